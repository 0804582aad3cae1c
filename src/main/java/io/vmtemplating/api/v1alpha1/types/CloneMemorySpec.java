package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** Memory of a clone: the guest size (must match the template) and what the clone pod requests. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CloneMemorySpec(
        @Pattern(Quantities.MEBI_GIBI_PATTERN)
        @JsonPropertyDescription("Optional: the template's memory.size, stated again. When set it must match the template.")
        String size,
        @Pattern(Quantities.MEBI_GIBI_PATTERN)
        @JsonPropertyDescription("Memory the clone is expected to write (its private copy-on-write pages); the pod requests this plus the operator's overhead. The limit always covers the whole guest. Default 64Mi.")
        String expectedPrivate) {
}
