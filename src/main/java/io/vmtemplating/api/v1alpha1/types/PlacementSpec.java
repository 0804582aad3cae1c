package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/**
 * Where the template is frozen: on {@code copies} nodes that match the selector, affinity and tolerations, each node
 * its own copy (files, QEMU, boot); its clones run on a node with a Ready copy. The spec is immutable, so placement
 * is widened by a new template (docs/placement.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlacementSpec(
        @JsonPropertyDescription("Node labels the template's node must have (pod nodeSelector).")
        Map<String, String> nodeSelector,
        @JsonPropertyDescription("Tolerations of the template's pod; clone pods get the same.")
        List<Toleration> tolerations,
        @JsonPropertyDescription("Affinity of the template's pod.")
        Affinity affinity,
        @Min(1) @Max(16)
        @JsonPropertyDescription("How many nodes hold a frozen copy (default 1). Each copy is built on its own node,"
                + " chosen by the scheduler among the nodes the selector, affinity and tolerations allow; clones spread"
                + " over the nodes with a Ready copy. More than 1 needs a CPU model every node runs: -cpu host and -cpu"
                + " max are refused.")
        Integer copies) {

    /** Placement as it was before copies existed: one copy. */
    public PlacementSpec(Map<String, String> nodeSelector, List<Toleration> tolerations, Affinity affinity) {
        this(nodeSelector, tolerations, affinity, null);
    }

    /** The number of copies asked for: 1 unless set. */
    public static int copiesOf(PlacementSpec placement) {
        return placement == null || placement.copies() == null ? 1 : Math.max(1, placement.copies());
    }
}
