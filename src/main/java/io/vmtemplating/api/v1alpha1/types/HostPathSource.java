package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A file on the node, mounted read-only into the launcher pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostPathSource(
        @Required @Pattern("^/[^\\x00]*$")
        @JsonPropertyDescription("Absolute path of the file on the node. Mounted read-only into the launcher pod.")
        String path) {
}
