package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a pool reconcile does with its members: refill, trim, surge then drain, replace the failed. */
class PoolPlanTest {
    private static final String OLD = "uid-old";
    private static final String NEW = "uid-new";

    private static Pod member(String name, String templateUid, String state, String created) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withCreationTimestamp(created)
                .withLabels(Map.of(VmResources.LABEL_TEMPLATE_UID, templateUid)).endMetadata();
        switch (state) {
            case "ready" -> pod.withNewStatus().withPhase("Running")
                    .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus();
            case "restoring" -> pod.withNewStatus().withPhase("Running")
                    .addNewCondition().withType("Ready").withStatus("False").endCondition().endStatus();
            case "failed" -> pod.withNewStatus().withPhase("Failed").endStatus();
            default -> throw new IllegalArgumentException(state);
        }
        return pod.build();
    }

    private static List<String> names(List<Pod> pods) {
        return pods.stream().map(p -> p.getMetadata().getName()).toList();
    }

    @Test
    void anEmptyPoolIsFilledAndAFullOneLeftAlone() {
        assertEquals(new PoolPlan(3, List.of(), 0, 0, 0), PoolPlan.of(List.of(), NEW, 3));
        PoolPlan full = PoolPlan.of(List.of(member("a", NEW, "ready", "1"), member("b", NEW, "restoring", "2")), NEW, 2);
        assertEquals(List.of(0, 0, 2, 1, 0), List.of(full.create(), full.delete().size(), full.current(), full.ready(), full.outdated()));
    }

    @Test
    void scalingDownRemovesMembersNotReadyYetFirstThenTheYoungest() {
        PoolPlan plan = PoolPlan.of(List.of(member("old-ready", NEW, "ready", "1"), member("restoring", NEW, "restoring", "2"),
                member("young-ready", NEW, "ready", "3")), NEW, 1);
        assertEquals(List.of("restoring", "young-ready"), names(plan.delete()));
        assertEquals(1, plan.ready());
    }

    @Test
    void aFailedMemberIsReplaced() {
        PoolPlan plan = PoolPlan.of(List.of(member("dead", NEW, "failed", "1"), member("ok", NEW, "ready", "2")), NEW, 2);
        assertEquals(List.of("dead"), names(plan.delete()));
        assertEquals(1, plan.create());
    }

    @Test
    void aMemberThatFailedSoonAfterItWasMadeKeepsItsSlotForAWhile() {
        java.time.Instant now = java.time.Instant.parse("2026-12-01T00:10:00Z");
        List<Pod> members = List.of(member("dead", NEW, "failed", "2026-12-01T00:09:30Z"), member("ok", NEW, "ready", "1"));
        PoolPlan held = PoolPlan.of(members, NEW, 2, now);
        assertEquals(List.of(), names(held.delete()), "not replaced 30 s after it was made: no create/fail/delete loop");
        assertEquals(List.of(0, 2, 1), List.of(held.create(), held.current(), held.ready()));
        PoolPlan due = PoolPlan.of(members, NEW, 2, now.plus(PoolCapacity.RETRY));
        assertEquals(List.of("dead"), names(due.delete()), "one new attempt per slot per period");
        assertEquals(1, due.create());
        PoolPlan scaledDown = PoolPlan.of(members, NEW, 1, now);
        assertEquals(List.of("dead"), names(scaledDown.delete()), "trimmed first: it is not Ready");
        PoolPlan rolledOver = PoolPlan.of(members, OLD, 2, now);
        assertEquals(List.of("dead"), names(rolledOver.delete()), "a failed member of another template goes at once");
    }

    @Test
    void aRolloutSurgesThenDrains() {
        List<Pod> oldOnes = List.of(member("o1", OLD, "ready", "1"), member("o2", OLD, "ready", "2"));
        PoolPlan started = PoolPlan.of(oldOnes, NEW, 2);
        assertEquals(List.of(2, 0, 2), List.of(started.create(), started.delete().size(), started.outdated()),
                "new members first; the old ones keep the pool warm meanwhile");
        PoolPlan halfway = PoolPlan.of(List.of(oldOnes.get(0), oldOnes.get(1), member("n1", NEW, "ready", "3"),
                member("n2", NEW, "restoring", "4")), NEW, 2);
        assertEquals(List.of(0, 0, 2), List.of(halfway.create(), halfway.delete().size(), halfway.outdated()));
        PoolPlan done = PoolPlan.of(List.of(oldOnes.get(0), oldOnes.get(1), member("n1", NEW, "ready", "3"),
                member("n2", NEW, "ready", "4")), NEW, 2);
        assertEquals(List.of("o1", "o2"), names(done.delete()));
        assertEquals(0, done.outdated());
    }

    @Test
    void withoutAUsableTemplateEveryMemberGoesAndNoneIsMade() {
        PoolPlan plan = PoolPlan.of(List.of(member("o1", OLD, "ready", "1"), member("n1", NEW, "restoring", "2")), null, 2);
        assertEquals(List.of("o1", "n1"), names(plan.delete()));
        assertEquals(List.of(0, 0, 0, 0), List.of(plan.create(), plan.current(), plan.ready(), plan.outdated()));
    }

    @Test
    void aMemberOnANodeWhoseCopyLeftIsReplacedThenRemoved() {
        Pod there = new PodBuilder(member("on-a", NEW, "ready", "1")).editOrNewSpec().withNodeName("node-a").endSpec().build();
        Pod here = new PodBuilder(member("on-b", NEW, "ready", "2")).editOrNewSpec().withNodeName("node-b").endSpec().build();
        PoolPlan surge = PoolPlan.of(List.of(there, here), NEW, 2, java.time.Instant.now(), java.util.Set.of("node-b"));
        assertEquals(List.of(1, 0, 1), List.of(surge.create(), surge.delete().size(), surge.outdated()),
                "a new member first: the one on node-a stays claimable meanwhile");
        Pod fresh = new PodBuilder(member("new", NEW, "ready", "3")).editOrNewSpec().withNodeName("node-b").endSpec().build();
        PoolPlan drained = PoolPlan.of(List.of(there, here, fresh), NEW, 2, java.time.Instant.now(), java.util.Set.of("node-b"));
        assertEquals(List.of("on-a"), names(drained.delete()));
        assertEquals(2, PoolPlan.of(List.of(there, here), NEW, 2, java.time.Instant.now(), null).ready(), "any node when one copy");
    }
}
