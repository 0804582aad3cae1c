package io.vmtemplating.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.vmtemplating.api.v1alpha1.types.Condition;
import io.vmtemplating.api.v1alpha1.types.TemplateCopy;
import io.vmtemplating.api.v1alpha1.types.TemplateFiles;
import java.util.List;

/** Observed state of a VmTemplate; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VmTemplateStatus(
        @JsonPropertyDescription("Pending, Booting, Freezing, Ready, Failed or Deleting.")
        TemplatePhase phase,
        @JsonPropertyDescription("Ready and other conditions, with reasons and messages.")
        List<Condition> conditions,
        @JsonPropertyDescription("metadata.generation the status was computed from.")
        Long observedGeneration,
        @JsonPropertyDescription("Node of the first Ready copy (or of the copy being built); status.copies lists them all.")
        String nodeName,
        @JsonPropertyDescription("Launcher pod that builds the template.")
        String podName,
        @JsonPropertyDescription("The template's files on the node.")
        TemplateFiles files,
        @JsonPropertyDescription("QEMU version that froze the template; clones must run the same.")
        String qemuVersion,
        @JsonPropertyDescription("QEMU start to freeze trigger, in milliseconds.")
        Long bootMillis,
        @JsonPropertyDescription("Stop to saved state, in milliseconds.")
        Long freezeMillis,
        @JsonPropertyDescription("VmClones referencing this template.")
        Integer clones,
        @JsonPropertyDescription("Failed build attempts since the last success.")
        Integer failedAttempts,
        @JsonPropertyDescription("Each node's copy (spec.placement.copies of them): node, phase, QEMU version, boot and freeze time.")
        List<TemplateCopy> copies,
        @JsonPropertyDescription("Nodes with a Ready copy: where clones can run.")
        Integer readyNodes) {

    /** A status without per-node copies (tests and tools that make one by hand). */
    public VmTemplateStatus(TemplatePhase phase, List<Condition> conditions, Long observedGeneration, String nodeName,
            String podName, TemplateFiles files, String qemuVersion, Long bootMillis, Long freezeMillis, Integer clones,
            Integer failedAttempts) {
        this(phase, conditions, observedGeneration, nodeName, podName, files, qemuVersion, bootMillis, freezeMillis, clones,
                failedAttempts, null, null);
    }
}
