package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.vmtemplating.api.v1alpha1.types.PlacementSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Pure: whether a node still matches a template's placement — its node selector and required node affinity, read as
 * the kube-scheduler reads them. A node relabelled out of the placement gives up its copy (docs/placement.md);
 * tolerations and taints are left to the scheduler (a new taint does not evict a copy, as it does not evict a pod
 * without NoExecute).
 */
final class NodePlacement {
    private NodePlacement() {
    }

    static boolean matches(PlacementSpec placement, Node node) {
        if (placement == null) {
            return true;
        }
        Map<String, String> labels = Optional.ofNullable(node.getMetadata().getLabels()).orElse(Map.of());
        if (!hasLabels(node, placement.nodeSelector())) {
            return false;
        }
        if (placement.affinity() == null || placement.affinity().getNodeAffinity() == null
                || placement.affinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return true;
        }
        List<NodeSelectorTerm> terms = Optional.ofNullable(placement.affinity().getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms()).orElse(List.of());
        // terms are ORed, the requirements in a term ANDed; no term matches no node (the scheduler's reading)
        return terms.stream().anyMatch(term -> termMatches(term, labels, node.getMetadata().getName()));
    }

    /** A node selector's reading: every label, with its value (null: no selector, every node). */
    static boolean hasLabels(Node node, Map<String, String> selector) {
        Map<String, String> labels = Optional.ofNullable(node.getMetadata().getLabels()).orElse(Map.of());
        return selector == null || selector.entrySet().stream().allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
    }

    private static boolean termMatches(NodeSelectorTerm term, Map<String, String> labels, String nodeName) {
        List<NodeSelectorRequirement> expressions = Optional.ofNullable(term.getMatchExpressions()).orElse(List.of());
        List<NodeSelectorRequirement> fields = Optional.ofNullable(term.getMatchFields()).orElse(List.of());
        if (expressions.isEmpty() && fields.isEmpty()) {
            return false;
        }
        return expressions.stream().allMatch(r -> requirementMatches(r, labels.get(r.getKey())))
                && fields.stream().allMatch(r -> "metadata.name".equals(r.getKey()) && requirementMatches(r, nodeName));
    }

    private static boolean requirementMatches(NodeSelectorRequirement requirement, String value) {
        List<String> values = Optional.ofNullable(requirement.getValues()).orElse(List.of());
        return switch (requirement.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            case "Gt" -> compare(value, values).map(c -> c > 0).orElse(false);
            case "Lt" -> compare(value, values).map(c -> c < 0).orElse(false);
            default -> false;
        };
    }

    /** The label as an integer against the single value; empty when either is not one (no match either way). */
    private static Optional<Integer> compare(String value, List<String> values) {
        try {
            return value == null || values.size() != 1 ? Optional.empty()
                    : Optional.of(Long.compare(Long.parseLong(value), Long.parseLong(values.get(0))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
