package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A file inside a PersistentVolumeClaim of the template's namespace, mounted read-only. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PersistentVolumeClaimSource(
        @Required @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
        @JsonPropertyDescription("Name of a PersistentVolumeClaim in the same namespace. It must be mountable read-only on the template's node.")
        String claimName,
        @Required @Pattern("^[^/\\x00][^\\x00]*$")
        @JsonPropertyDescription("Path of the file inside the volume, relative (no leading /, no ..).")
        String path) {
}
