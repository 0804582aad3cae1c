package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One guest NUMA node: its own memory file, backed like the rest of the template's memory. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NumaNode(
        @Required @Pattern(Quantities.MEBI_GIBI_PATTERN)
        @JsonPropertyDescription("Memory of this NUMA node, in Mi or Gi (e.g. 256Mi). The sizes of all nodes add up to memory.size.")
        String size) {
}
