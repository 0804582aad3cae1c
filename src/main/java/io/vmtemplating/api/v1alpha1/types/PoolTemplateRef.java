package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * The template a pool's members restore from. Unlike a clone's templateRef it may change: the pool then replaces its
 * members (a rollout), and no claim made after the change gets a member of the old template.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PoolTemplateRef(
        @Required @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
        @JsonPropertyDescription("Name of a VmTemplate in the same namespace. Changing it rolls the members over.")
        String name) {
}
