package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolCapacityTest {
    private static final String INSUFFICIENT = "0/1 nodes are available: 1 Insufficient memory.";

    private static Pod pod(String node, String scheduledStatus, String reason) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName("m").endMetadata().withNewSpec().withNodeName(node).endSpec();
        if (scheduledStatus != null) {
            pod.withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus(scheduledStatus)
                    .withReason(reason).withMessage(INSUFFICIENT).endCondition().endStatus();
        }
        return pod.build();
    }

    @Test
    void unschedulableMembersAreCountedAndNamed() {
        PoolCapacity capacity = PoolCapacity.of(List.of(pod("node-a", "True", null), pod(null, "False", "Unschedulable"),
                pod(null, "False", "Unschedulable")));
        assertEquals(List.of("True", "Unschedulable", "2 of 3 members do not fit on the template's node (" + INSUFFICIENT
                + "); each is tried again every 60 s, not recreated in a loop. Lower spec.replicas from 3 to 1 or give the"
                + " node more room"), capacity.condition(3));
    }

    private static Pod rejected(String created) {
        return new PodBuilder().withNewMetadata().withName("r").withCreationTimestamp(created).endMetadata()
                .withNewSpec().withNodeName("node-a").endSpec()
                .withNewStatus().withPhase("Failed").withReason("OutOfmemory")
                .withMessage("Pod was rejected: Node didn't have enough resource: memory").endStatus().build();
    }

    @Test
    void membersTheNodeRejectedAreCountedAndKeepTheirSlotForAMinute() {
        java.time.Instant now = java.time.Instant.parse("2026-11-30T18:00:00Z");
        Pod fresh = rejected("2026-11-30T17:59:30Z");
        Pod old = rejected("2026-11-30T17:58:59Z");
        assertEquals(List.of("True", "Unschedulable", "2 of 2 members do not fit on the template's node (OutOfmemory: Pod was"
                + " rejected: Node didn't have enough resource: memory); each is tried again every 60 s, not recreated in a"
                + " loop. Lower spec.replicas from 2 to 0 or give the node more room"), PoolCapacity.of(List.of(fresh, old)).condition(2));
        fresh.getMetadata().setLabels(java.util.Map.of(VmResources.LABEL_TEMPLATE_UID, "t"));
        old.getMetadata().setLabels(java.util.Map.of(VmResources.LABEL_TEMPLATE_UID, "t"));
        PoolPlan plan = PoolPlan.of(List.of(fresh, old), "t", 2, now);
        assertEquals(List.of(1, 1, List.of("r")), List.of(plan.create(), plan.current(),
                plan.delete().stream().map(p -> p.getMetadata().getName()).toList()),
                "the fresh rejection holds its slot (nothing created for it); the old one is retried: deleted, one new member");
    }

    @Test
    void scheduledPendingAndOtherReasonsAreNotALimit() {
        // not yet looked at by the scheduler, bound already, or waiting for something else (a gate)
        PoolCapacity capacity = PoolCapacity.of(List.of(pod(null, null, null), pod("node-a", "False", "Unschedulable"),
                pod(null, "False", "SchedulingGated")));
        assertEquals(List.of("False", "Scheduled", "every member is scheduled on a node"), capacity.condition(3));
        assertEquals(List.of("False", "Scheduled", "every member is scheduled on a node"), PoolCapacity.of(List.of()).condition(0));
    }
}
