package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Memory hot-plugged into a clone after the restore through the template's virtio-mem device. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CloneVirtioMem(
        @Required @Pattern(Quantities.MEBI_GIBI_PATTERN)
        @JsonPropertyDescription("Memory to plug after the restore, from the clone's own private backend; at most the template's devices.virtioMem.size, a multiple of its block size.")
        String requestedSize) {
}
