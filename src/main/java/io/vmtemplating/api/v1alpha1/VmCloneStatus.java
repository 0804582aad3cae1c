package io.vmtemplating.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.vmtemplating.api.v1alpha1.types.ClaimDataStatus;
import io.vmtemplating.api.v1alpha1.types.ClaimStatus;
import io.vmtemplating.api.v1alpha1.types.CloneMemoryFigures;
import io.vmtemplating.api.v1alpha1.types.Condition;
import java.util.List;

/** Observed state of a VmClone; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VmCloneStatus(
        @JsonPropertyDescription("Pending, Restoring, Running, Paused, Succeeded or Failed.")
        ClonePhase phase,
        @JsonPropertyDescription("Ready, TemplateReady and other conditions.")
        List<Condition> conditions,
        @JsonPropertyDescription("metadata.generation the status was computed from.")
        Long observedGeneration,
        @JsonPropertyDescription("Node the clone runs on (the template's node).")
        String nodeName,
        @JsonPropertyDescription("The clone's launcher pod.")
        String podName,
        @JsonPropertyDescription("UID of the template the clone was restored from.")
        String templateUid,
        @JsonPropertyDescription("Launcher start to guest running, in milliseconds.")
        Long restoreMillis,
        @JsonPropertyDescription("Memory of the clone's QEMU process, refreshed at least every 30 s.")
        CloneMemoryFigures memory,
        @JsonPropertyDescription("For a claim (spec.poolRef): the pool, the path taken (Warm or Cold) and the template.")
        ClaimStatus claim,
        @JsonPropertyDescription("When the template declares spec.claimData: what the guest acknowledged (condition ClaimDataDelivered).")
        ClaimDataStatus claimData) {
}
