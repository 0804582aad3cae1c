package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The clone's memory in MiB: its QEMU process's from /proc/PID/smaps_rollup and smaps, split into the guest's copies of
 * template pages and QEMU's own memory, and its launcher's resident set (docs/metrics.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CloneMemoryFigures(
        @JsonPropertyDescription("Resident set size.")
        Long rssMiB,
        @JsonPropertyDescription("Proportional set size: shared pages divided among the processes mapping them.")
        Long pssMiB,
        @JsonPropertyDescription("Pages only this clone holds (its copy-on-write writes plus QEMU's own memory); guestPrivateMiB and qemuOverheadMiB split it.")
        Long privateMiB,
        @JsonPropertyDescription("Resident pages shared with the template's memory file.")
        Long sharedWithTemplateMiB,
        @JsonPropertyDescription("The guest's copy-on-write copies of template pages: what it wrote since the freeze.")
        Long guestPrivateMiB,
        @JsonPropertyDescription("QEMU's own anonymous memory outside the guest's RAM (heap, TCG code cache, device buffers).")
        Long qemuOverheadMiB,
        @JsonPropertyDescription("Resident set size of the clone's launcher process (the JVM that runs QEMU).")
        Long launcherRssMiB,
        @JsonPropertyDescription("When these figures were read (RFC 3339).")
        String updatedAt) {
}
