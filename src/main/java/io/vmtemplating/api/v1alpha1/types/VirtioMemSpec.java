package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * A virtio-mem device on the template. It is backed by its own private memory, never by template memory
 * (virtio-mem cannot discard a read-only template file: QEMU fails at realize), and its requested size
 * must be 0 on the template; clones grow it after the restore (VmClone.spec.virtioMem).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VirtioMemSpec(
        @Required @Pattern(Quantities.MEBI_GIBI_PATTERN)
        @JsonPropertyDescription("Largest size clones may plug, in Mi or Gi. Backed by private memory of each clone, not by the template.")
        String size,
        @Default("0") @Pattern(Quantities.MEBI_GIBI_OR_ZERO_PATTERN)
        @JsonPropertyDescription("Must be 0 on a template: plugged virtio-mem memory cannot be part of template memory.")
        String requestedSize,
        @Default("2Mi") @Pattern(Quantities.MEBI_GIBI_PATTERN)
        @JsonPropertyDescription("virtio-mem block size (2Mi or larger, a power of two).")
        String blockSize) {
}
