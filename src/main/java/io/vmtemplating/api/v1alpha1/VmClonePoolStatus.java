package io.vmtemplating.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import io.vmtemplating.api.v1alpha1.types.Condition;
import java.util.List;

/** Observed state of a VmClonePool; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VmClonePoolStatus(
        @StatusReplicas
        @JsonPropertyDescription("Members of the current template, restoring or Ready.")
        Integer replicas,
        @JsonPropertyDescription("Members restored, paused and ready to be claimed.")
        Integer readyReplicas,
        @JsonPropertyDescription("Members of an earlier template, drained once the new ones are Ready.")
        Integer outdatedReplicas,
        @LabelSelector
        @JsonPropertyDescription("Label selector of the members' pods (the scale subresource's selector).")
        String selector,
        @JsonPropertyDescription("UID of the template the members restore from.")
        String templateUid,
        @JsonPropertyDescription("Ready and other conditions.")
        List<Condition> conditions,
        @JsonPropertyDescription("metadata.generation the status was computed from.")
        Long observedGeneration) {
}
