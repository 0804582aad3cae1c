package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.vmtemplating.api.v1alpha1.Conditions;
import java.util.List;
import java.util.Optional;

/**
 * Pure: a pool's members → its CapacityLimited condition. The node is the one that knows what it can hold (allocatable
 * memory against the members' requests, hugepages, pod count). Members are bound to the template's node by name
 * (spec.nodeName: the files exist there only), so no scheduler weighs them: the kubelet admits each or rejects it —
 * phase Failed, reason OutOfmemory / OutOfcpu / OutOfpods / OutOfhugepages-2Mi. That rejection is the signal, counted,
 * as is a member Pending with PodScheduled False, reason Unschedulable (what a scheduler says, were one involved).
 * Neither is replaced at once (PoolPlan keeps a rejected one in its slot for {@link #RETRY}), so a pool larger than its
 * node settles at one attempt per slot per period instead of churning pods.
 */
record PoolCapacity(int unschedulable, int members, String schedulerMessage) {
    /** How long a member the node rejected keeps its slot before one new attempt. */
    static final java.time.Duration RETRY = java.time.Duration.ofSeconds(60);

    /** The kubelet refused the pod at admission for lack of a resource (reason "OutOf" + resource name). */
    static boolean rejectedByNode(Pod pod) {
        return pod.getStatus() != null && "Failed".equals(pod.getStatus().getPhase())
                && pod.getStatus().getReason() != null && pod.getStatus().getReason().startsWith("OutOf");
    }

    /** A rejected member's slot is tried again {@link #RETRY} after the member was created (unknown age: now). */
    static boolean retryDue(Pod pod, java.time.Instant now) {
        try {
            return !java.time.Instant.parse(pod.getMetadata().getCreationTimestamp()).plus(RETRY).isAfter(now);
        } catch (RuntimeException e) {
            return true;
        }
    }

    static PoolCapacity of(List<Pod> members) {
        int count = 0;
        String message = null;
        for (Pod pod : members) {
            Optional<PodCondition> unscheduled = unschedulable(pod);
            if (unscheduled.isPresent()) {
                count++;
                message = message == null ? unscheduled.get().getMessage() : message;
            } else if (rejectedByNode(pod)) {
                count++;
                message = message == null ? pod.getStatus().getReason() + ": " + pod.getStatus().getMessage() : message;
            }
        }
        return new PoolCapacity(count, members.size(), message);
    }

    private static Optional<PodCondition> unschedulable(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null
                || pod.getSpec() != null && pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty()) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream()
                .filter(c -> "PodScheduled".equals(c.getType()) && Conditions.FALSE.equals(c.getStatus())
                        && Conditions.REASON_UNSCHEDULABLE.equals(c.getReason()))
                .findFirst();
    }

    boolean limited() {
        return unschedulable > 0;
    }

    /** The condition's status, reason and message. */
    List<String> condition(int replicas) {
        if (!limited()) {
            return List.of(Conditions.FALSE, Conditions.REASON_SCHEDULED, "every member is scheduled on a node");
        }
        int placed = members - unschedulable;
        return List.of(Conditions.TRUE, Conditions.REASON_UNSCHEDULABLE, unschedulable + " of " + members
                + " members do not fit on the template's node (" + (schedulerMessage == null ? "no message" : schedulerMessage)
                + "); each is tried again every " + RETRY.toSeconds() + " s, not recreated in a loop. Lower spec.replicas from "
                + replicas + " to " + placed + " or give the node more room");
    }
}
