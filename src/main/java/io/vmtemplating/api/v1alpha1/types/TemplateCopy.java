package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.vmtemplating.api.v1alpha1.TemplatePhase;

/** One node's copy of a template: built by its own pod, frozen by that node's QEMU. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TemplateCopy(
        @JsonPropertyDescription("Which copy this is, 0 to placement.copies - 1.")
        Integer copy,
        @JsonPropertyDescription("The node holding this copy's files.")
        String nodeName,
        @JsonPropertyDescription("Pending, Booting, Freezing, Ready or Failed.")
        TemplatePhase phase,
        @JsonPropertyDescription("Why the copy is in its phase (CamelCase, as the Ready condition's reasons).")
        String reason,
        @JsonPropertyDescription("What the copy is doing or why it failed, in words.")
        String message,
        @JsonPropertyDescription("The launcher pod building this copy.")
        String podName,
        @JsonPropertyDescription("QEMU version that froze this copy; clones on its node must run the same.")
        String qemuVersion,
        @JsonPropertyDescription("QEMU start to freeze trigger, in milliseconds.")
        Long bootMillis,
        @JsonPropertyDescription("Stop to saved state, in milliseconds.")
        Long freezeMillis,
        @JsonPropertyDescription("Failed build attempts of this copy since its last success.")
        Integer failedAttempts,
        @JsonPropertyDescription("When this copy last became Ready (RFC 3339): a clone's report that its files are"
                + " missing counts for this copy when it is not older.")
        String readySince,
        @JsonPropertyDescription("CPU model this copy was frozen with (the template's -cpu, or QEMU's default qemu64).")
        String cpuModel) {

    /** A copy as recorded before readySince and cpuModel existed. */
    public TemplateCopy(Integer copy, String nodeName, TemplatePhase phase, String reason, String message, String podName,
            String qemuVersion, Long bootMillis, Long freezeMillis, Integer failedAttempts) {
        this(copy, nodeName, phase, reason, message, podName, qemuVersion, bootMillis, freezeMillis, failedAttempts, null, null);
    }
}
