package io.vmtemplating.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.generator.annotation.Size;
import io.vmtemplating.api.v1alpha1.types.ClaimDataSource;
import io.vmtemplating.api.v1alpha1.types.CloneMemorySpec;
import io.vmtemplating.api.v1alpha1.types.CloneVirtioMem;
import io.vmtemplating.api.v1alpha1.types.MigrationSpec;
import io.vmtemplating.api.v1alpha1.types.PoolRef;
import io.vmtemplating.api.v1alpha1.types.PortForward;
import io.vmtemplating.api.v1alpha1.types.TemplateRef;
import java.util.List;
import java.util.Map;

/**
 * A clone of a template. The VM shape comes from the template; cpus, machine and memory.size may be stated
 * again (then they must match), and only what is legal after a restore can be added.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.templateRef) != has(self.poolRef)",
        message = "set exactly one of templateRef (restore from a template) or poolRef (claim a warm member of a pool)")
public record VmCloneSpec(
        @JsonPropertyDescription("The VmTemplate to restore from, in the same namespace. Exactly one of templateRef and poolRef.")
        TemplateRef templateRef,
        @Default("true")
        @JsonPropertyDescription("false pauses the guest (QMP stop), true resumes it.")
        Boolean running,
        @Min(1) @Max(64)
        @JsonPropertyDescription("Optional: the template's cpus, stated again. Must match when set.")
        Integer cpus,
        @Pattern("^(q35|pc|pc-q35-[0-9]+\\.[0-9]+|pc-i440fx-[0-9]+\\.[0-9]+)$")
        @JsonPropertyDescription("Optional: the template's machine, stated again. Must match when set.")
        String machine,
        @JsonPropertyDescription("Guest memory (must match the template) and the pod's memory request.")
        CloneMemorySpec memory,
        @JsonPropertyDescription("Plug memory after the restore through the template's virtio-mem device, from the clone's own backend.")
        CloneVirtioMem virtioMem,
        @Size(max = 32)
        @JsonPropertyDescription("Pod ports forwarded into the guest (needs the template's devices.network.mode user).")
        List<PortForward> portForwards,
        @JsonPropertyDescription("Restore settings.")
        MigrationSpec migration,
        @JsonPropertyDescription("A claim: the VmClonePool (same namespace) whose warm member becomes this clone, resumed in milliseconds; a cold restore when the pool has no Ready member. A claim sets no other field but running and claimData: the pool's settings apply.")
        PoolRef poolRef,
        @JsonPropertyDescription("Data for the guest, delivered after the restore (warm claim, cold claim or plain clone alike) with the clone's name, namespace and uid. Needs a template with spec.claimData. Immutable.")
        ClaimDataSource claimData,
        @JsonPropertyDescription("Optional: node labels the clone's node must have. The clone goes to a node with a Ready copy of its template and these labels; none such keeps it Pending with the reason.")
        Map<String, String> nodeSelector) {

    /** A clone spec without a node selector. */
    public VmCloneSpec(TemplateRef templateRef, Boolean running, Integer cpus, String machine, CloneMemorySpec memory,
            CloneVirtioMem virtioMem, List<PortForward> portForwards, MigrationSpec migration, PoolRef poolRef,
            ClaimDataSource claimData) {
        this(templateRef, running, cpus, machine, memory, virtioMem, portForwards, migration, poolRef, claimData, null);
    }

    /** A clone spec without a node selector or claim data. */
    public VmCloneSpec(TemplateRef templateRef, Boolean running, Integer cpus, String machine, CloneMemorySpec memory,
            CloneVirtioMem virtioMem, List<PortForward> portForwards, MigrationSpec migration, PoolRef poolRef) {
        this(templateRef, running, cpus, machine, memory, virtioMem, portForwards, migration, poolRef, null, null);
    }
}
