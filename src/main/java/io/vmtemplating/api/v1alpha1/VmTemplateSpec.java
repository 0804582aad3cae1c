package io.vmtemplating.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.vmtemplating.api.v1alpha1.types.BootSpec;
import io.vmtemplating.api.v1alpha1.types.ClaimDataTarget;
import io.vmtemplating.api.v1alpha1.types.DevicesSpec;
import io.vmtemplating.api.v1alpha1.types.FreezeSpec;
import io.vmtemplating.api.v1alpha1.types.MemorySpec;
import io.vmtemplating.api.v1alpha1.types.PlacementSpec;
import io.vmtemplating.api.v1alpha1.types.QemuSpec;

/**
 * The VM to boot, freeze and clone. Immutable: clones restore device state into exactly this shape. No field names
 * an image: launcher and cleanup pods run the image the cluster admin configured (vmt.launcher-image), because any
 * image a template author could choose would run with the node's template directories mounted (docs/security.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self == oldSelf",
        message = "VmTemplate spec is immutable: clones restore into exactly this VM; create a new VmTemplate instead")
public record VmTemplateSpec(
        @Default("1") @Min(1) @Max(64)
        @JsonPropertyDescription("Virtual CPUs (-smp).")
        Integer cpus,
        @Default("q35") @Pattern("^(q35|pc|pc-q35-[0-9]+\\.[0-9]+|pc-i440fx-[0-9]+\\.[0-9]+)$")
        @JsonPropertyDescription("QEMU machine type: q35 (default), pc, or a versioned pc-q35-X.Y / pc-i440fx-X.Y.")
        String machine,
        @Required
        @JsonPropertyDescription("Guest RAM and where it lives on the node.")
        MemorySpec memory,
        @Required
        @JsonPropertyDescription("What the template boots: kernel/initrd/cmdline and/or a read-only disk.")
        BootSpec boot,
        @JsonPropertyDescription("Guest devices; clones get the same set.")
        DevicesSpec devices,
        @JsonPropertyDescription("When and how the booted template is frozen.")
        FreezeSpec freeze,
        @JsonPropertyDescription("Extra QEMU arguments (allow-listed).")
        QemuSpec qemu,
        @JsonPropertyDescription("Node placement of the template; clones follow it to the same node.")
        PlacementSpec placement,
        @JsonPropertyDescription("The guest runs qemu-guest-agent and accepts each clone's identity (name, namespace, uid) and its spec.claimData Secret as files, written after the restore; its clones are Ready once the guest acknowledged them. Adds the guest agent's virtio-serial channel.")
        ClaimDataTarget claimData) {
}
