package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A standard Kubernetes condition (API conventions). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Condition(
        @JsonPropertyDescription("Condition type, e.g. Ready.")
        String type,
        @JsonPropertyDescription("True, False or Unknown.")
        String status,
        @JsonPropertyDescription("CamelCase reason for the last transition.")
        String reason,
        @JsonPropertyDescription("Human-readable details.")
        String message,
        @JsonPropertyDescription("When status last changed (RFC 3339).")
        String lastTransitionTime,
        @JsonPropertyDescription("metadata.generation this condition was computed from.")
        Long observedGeneration) {
}
