package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When a pod ended, which times the next build attempt: every way a kubelet leaves a Failed pod has one. */
class PodViewTest {
    private static final String CREATED = "2026-12-02T05:00:00Z";

    private static PodBuilder pod() {
        return new PodBuilder().withNewMetadata().withName("t-build-1").withCreationTimestamp(CREATED).endMetadata();
    }

    @Test
    void aContainerThatRanEndedWhenItTerminated() {
        Pod pod = pod().withNewStatus().withPhase("Failed")
                .addNewCondition().withType("Ready").withStatus("False").withLastTransitionTime("2026-12-02T05:00:40Z").endCondition()
                .addNewContainerStatus().withName("launcher").withNewState().withNewTerminated().withExitCode(1)
                        .withFinishedAt("2026-12-02T05:00:39Z").endTerminated().endState().endContainerStatus()
                .endStatus().build();
        assertEquals(Optional.of(Instant.parse("2026-12-02T05:00:39Z")), new PodView(pod).endedAt());
    }

    @Test
    void aPodTheKubeletRejectedEndedAtItsLatestConditionChange() {
        // kubelet 1.34's rejectPod: phase, reason and message only; the scheduler's PodScheduled stays
        Pod pod = pod().withNewStatus().withPhase("Failed").withReason("NodeAffinity")
                .withMessage("Pod was rejected: Predicate NodeAffinity failed")
                .addNewCondition().withType("PodScheduled").withStatus("True").withLastTransitionTime("2026-12-02T05:03:10Z").endCondition()
                .addNewCondition().withType("Initialized").withStatus("True").withLastTransitionTime("2026-12-02T05:01:00Z").endCondition()
                .endStatus().build();
        assertEquals(Optional.of(Instant.parse("2026-12-02T05:03:10Z")), new PodView(pod).endedAt());
    }

    @Test
    void aPodWithNoTimeInItsStatusEndedNoLaterThanItsCreation() {
        Pod pod = pod().withNewStatus().withPhase("Failed").withReason("Evicted").endStatus().build();
        assertEquals(Optional.of(Instant.parse(CREATED)), new PodView(pod).endedAt());
    }
}
