package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A file inside an OCI image, mounted as a Kubernetes image volume (Kubernetes 1.31+ with ImageVolume). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageSource(
        @Required
        @JsonPropertyDescription("OCI image reference, e.g. registry.example/guests/alpine-kernel:6.1.")
        String reference,
        @Required @Pattern("^[^/\\x00][^\\x00]*$")
        @JsonPropertyDescription("Path of the file inside the image, relative (no leading /, no ..).")
        String path) {
}
