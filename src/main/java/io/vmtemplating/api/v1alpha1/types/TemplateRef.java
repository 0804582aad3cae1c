package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A VmTemplate in the clone's own namespace (template memory holds the template's secrets). The immutability rule
 * sits on the type: on the record component the CRD generator saw it twice (field and accessor) and wrote the rule
 * twice, which the API server's server-side apply refuses (HTTP 500).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self == oldSelf", message = "templateRef is immutable: create a new VmClone instead")
public record TemplateRef(
        @Required @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
        @JsonPropertyDescription("Name of a VmTemplate in the same namespace. Immutable.")
        String name) {
}
