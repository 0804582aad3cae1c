package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A template whose guest accepts each clone's identity and claim data after the restore: the guest runs
 * qemu-guest-agent on the virtio-serial port org.qemu.guest_agent.0, which this setting adds to the template and
 * its clones (same devices on both sides), and the operator writes the files through it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClaimDataTarget(
        @Required @Size(max = 200) @Pattern("^(/[A-Za-z0-9_][A-Za-z0-9._-]*)+$")
        @JsonPropertyDescription("Absolute directory in the guest that receives each clone's files through the guest agent:"
                + " name, namespace and uid of the VmClone, data/<key> for each key of the Secret its spec.claimData.secretRef"
                + " names, and ready, written last. Created when missing (guest-exec mkdir -p: an image that has it saves that step). E.g. /run/vmtemplating.")
        String directory,
        @Default("30") @Min(1) @Max(600)
        @JsonPropertyDescription("How long the guest agent may take to acknowledge the files; the clone's"
                + " ClaimDataDelivered condition turns False after it.")
        Integer timeoutSeconds) {
}
