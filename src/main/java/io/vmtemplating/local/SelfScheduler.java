package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.util.Map;

/**
 * The scheduler's part for fabric8's mock API server, which has none: one node, so a pod fits when its node selector
 * matches this node's hostname label. A real control plane's kube-scheduler binds pods itself.
 */
final class SelfScheduler {
    private final String nodeName;
    private final PodStatusWriter writer;

    SelfScheduler(String nodeName, PodStatusWriter writer) {
        this.nodeName = nodeName;
        this.writer = writer;
    }

    void bind(Pod pod) {
        Map<String, String> selector = pod.getSpec().getNodeSelector();
        boolean fits = selector == null || selector.isEmpty() || selector.entrySet().stream()
                .allMatch(e -> e.getKey().equals("kubernetes.io/hostname") && e.getValue().equals(nodeName));
        if (!fits) {
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
}
