package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's part for fabric8's mock API server, which has none: one node, so a pod fits when its node selector
 * and its required node affinity match this node's labels and name. A real control plane's kube-scheduler binds pods
 * itself (resources, taints, spreading).
 */
final class SelfScheduler {
    private final String nodeName;
    private final Map<String, String> labels;
    private final PodStatusWriter writer;

    SelfScheduler(String nodeName, PodStatusWriter writer) {
        this.nodeName = nodeName;
        this.labels = NodeDocuments.labels(nodeName);
        this.writer = writer;
    }

    void bind(Pod pod) {
        if (!fits(pod)) {
            writer.write(pod, p -> new PodStatusBuilder().withPhase("Pending").withConditions(new PodConditionBuilder()
                    .withType("PodScheduled").withStatus("False").withReason("Unschedulable")
                    .withMessage("0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.").build())
                    .build());
            return;
        }
        writer.edit(pod, p -> {
            p.getSpec().setNodeName(nodeName);
            return p;
        });
    }

    boolean fits(Pod pod) {
        Map<String, String> selector = pod.getSpec().getNodeSelector();
        boolean selected = selector == null || selector.entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        var affinity = pod.getSpec().getAffinity();
        var required = affinity == null || affinity.getNodeAffinity() == null ? null
                : affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
        List<NodeSelectorTerm> terms = required == null || required.getNodeSelectorTerms() == null
                ? List.of() : required.getNodeSelectorTerms();
        // terms are ORed, the requirements of one term ANDed (pod anti-affinity needs no check: one node, one build)
        return selected && (terms.isEmpty() || terms.stream().anyMatch(this::matches));
    }

    private boolean matches(NodeSelectorTerm term) {
        List<NodeSelectorRequirement> fields = term.getMatchFields() == null ? List.of() : term.getMatchFields();
        List<NodeSelectorRequirement> expressions = term.getMatchExpressions() == null ? List.of() : term.getMatchExpressions();
        return fields.stream().allMatch(r -> "metadata.name".equals(r.getKey()) && holds(r, nodeName))
                && expressions.stream().allMatch(r -> holds(r, labels.get(r.getKey())));
    }

    private static boolean holds(NodeSelectorRequirement requirement, String value) {
        List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
        return switch (requirement.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> false; // Gt and Lt: no numeric labels on this node
        };
    }
}
