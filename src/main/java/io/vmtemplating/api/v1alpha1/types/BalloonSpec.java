package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/**
 * A virtio-balloon device for memory statistics only. Anything that gives memory back to the host
 * (inflation, free page reporting or hinting) would discard file-backed template memory, which QEMU refuses
 * page by page: the webhook rejects those settings.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BalloonSpec(
        @Default("false")
        @JsonPropertyDescription("Add a virtio-balloon device (statistics only).")
        Boolean enabled,
        @Default("0") @Min(0) @Max(3600)
        @JsonPropertyDescription("Guest memory statistics polling interval in seconds; 0 disables polling.")
        Integer statsPollingSeconds,
        @Default("false")
        @JsonPropertyDescription("Must stay false: free page reporting cannot discard file-backed template memory.")
        Boolean freePageReporting,
        @Default("false")
        @JsonPropertyDescription("Must stay false: free page hinting cannot discard file-backed template memory.")
        Boolean freePageHinting,
        @Pattern(Quantities.MEBI_GIBI_PATTERN)
        @JsonPropertyDescription("Balloon target (guest-visible memory). Only memory.size itself is allowed: inflating below it would discard template memory.")
        String targetSize) {
}
