package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Pure: what a pool reconcile does with its members. Members of the current template are topped up to
 * {@code replicas} or trimmed (not-ready ones first); members of an earlier template stay until enough current ones
 * are Ready (surge, then drain), or go at once when there is no current template to replace them with. A failed
 * member is replaced, once it is {@link PoolCapacity#RETRY} old: one that fails soon after it was made (the node
 * refused it for room, or its clone fails at every start) keeps its slot until then, so a pool whose members cannot
 * run makes one attempt per slot per period instead of a create/fail/delete loop.
 *
 * @param create   members of the current template to create
 * @param delete   pods to delete: failed, surplus and drained outdated members
 * @param current  live members of the current template (restoring or Ready), after this plan
 * @param ready    of those, restored and paused: claimable
 * @param outdated members of another template left running (until the new ones are Ready)
 */
record PoolPlan(int create, List<Pod> delete, int current, int ready, int outdated) {

    /**
     * @param members     the pool's member pods, not terminating
     * @param templateUid the current template's UID; null when the template is gone, not Ready or being deleted
     */
    static PoolPlan of(List<Pod> members, String templateUid, int replicas) {
        return of(members, templateUid, replicas, java.time.Instant.now(), null);
    }

    static PoolPlan of(List<Pod> members, String templateUid, int replicas, java.time.Instant now) {
        return of(members, templateUid, replicas, now, null);
    }

    /**
     * @param now a failed member is kept in its slot for {@link PoolCapacity#RETRY} after its creation, not replaced
     *            at once: a pool larger than its node, or whose clones fail at start, then makes one attempt per slot
     *            per period instead of a create/fail/delete loop
     * @param servingNodes the nodes with a Ready copy of a template with several copies (null: any node). A member on
     *            another node (its copy left with the node's labels) is replaced like a member of an earlier template
     */
    static PoolPlan of(List<Pod> members, String templateUid, int replicas, java.time.Instant now, java.util.Set<String> servingNodes) {
        List<Pod> delete = new ArrayList<>();
        List<Pod> current = new ArrayList<>();
        List<Pod> outdated = new ArrayList<>();
        for (Pod pod : members) {
            PodView view = new PodView(pod);
            String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            boolean onServingNode = servingNodes == null || node == null || servingNodes.contains(node);
            boolean currentTemplate = onServingNode
                    && templateUid != null && templateUid.equals(pod.getMetadata().getLabels().get(VmResources.LABEL_TEMPLATE_UID));
            if (view.failed() && currentTemplate && !PoolCapacity.retryDue(pod, now)) {
                current.add(pod);
            } else if (view.failed() || view.succeeded()) {
                delete.add(pod);
            } else if (currentTemplate) {
                current.add(pod);
            } else {
                outdated.add(pod);
            }
        }
        // trim: the ones not Ready yet go first, then the youngest
        current.sort(Comparator.comparing((Pod p) -> new PodView(p).ready()).reversed()
                .thenComparing(p -> p.getMetadata().getCreationTimestamp() == null ? "" : p.getMetadata().getCreationTimestamp()));
        while (current.size() > replicas) {
            delete.add(current.remove(current.size() - 1));
        }
        int ready = (int) current.stream().filter(p -> new PodView(p).ready()).count();
        int create = templateUid == null ? 0 : replicas - current.size();
        if (templateUid == null || ready >= replicas) {
            delete.addAll(outdated);
            outdated.clear();
        }
        return new PoolPlan(create, delete, current.size(), ready, outdated.size());
    }
}
