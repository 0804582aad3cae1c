package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** The template's files on its node; paths derive from the template's UID. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TemplateFiles(
        @JsonPropertyDescription("Memory files, one per memory backend (NUMA node), on tmpfs or hugetlbfs.")
        List<String> memory,
        @JsonPropertyDescription("Saved device state (migration stream without RAM).")
        String state,
        @JsonPropertyDescription("Metadata written at freeze: QEMU version, VM shape hash, sizes.")
        String metadata,
        @JsonPropertyDescription("Size of the device state in bytes.")
        Long stateBytes) {
}
