package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How the clone loads the template's device state (capabilities always mirror the template's freeze). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MigrationSpec(
        @Default("60") @Min(1) @Max(3600)
        @JsonPropertyDescription("The clone fails if the device state is not loaded within this many seconds.")
        Integer restoreTimeoutSeconds) {
}
