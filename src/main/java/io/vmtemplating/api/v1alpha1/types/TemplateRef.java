package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A VmTemplate in the clone's own namespace (template memory holds the template's secrets). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TemplateRef(
        @Required @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
        @JsonPropertyDescription("Name of a VmTemplate in the same namespace. Immutable.")
        String name) {
}
