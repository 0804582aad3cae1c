package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The clone's QEMU process memory, from /proc/PID/smaps_rollup, in MiB. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CloneMemoryFigures(
        @JsonPropertyDescription("Resident set size.")
        Long rssMiB,
        @JsonPropertyDescription("Proportional set size: shared pages divided among the processes mapping them.")
        Long pssMiB,
        @JsonPropertyDescription("Pages only this clone holds (its copy-on-write writes plus QEMU's own memory).")
        Long privateMiB,
        @JsonPropertyDescription("Resident pages shared with the template's memory file.")
        Long sharedWithTemplateMiB,
        @JsonPropertyDescription("When these figures were read (RFC 3339).")
        String updatedAt) {
}
