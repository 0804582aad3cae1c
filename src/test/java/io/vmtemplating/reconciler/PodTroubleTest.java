package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.vmtemplating.api.v1alpha1.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a kubelet's pod status and Events become in a VmTemplate's or VmClone's Ready condition. */
class PodTroubleTest {
    private static final String IMAGE = "vmt.test/vm-templating-operator:e2e";
    private static final Instant SCHEDULED = Instant.parse("2026-11-30T18:00:00Z");
    private static final String SETUP_FAILED = "MountVolume.SetUp failed for volume \"boot-kernel\" : hostPath type check failed:"
            + " /var/lib/vmtemplating/elsewhere is not a directory";

    private static Pod pod(ContainerStatus... containers) {
        return new PodBuilder()
                .withNewMetadata().withName("demo-build-1").withNamespace("ns").withUid("uid-1").endMetadata()
                .withNewSpec().withNodeName("node-a").addNewContainer().withName(VmResources.CONTAINER_NAME).withImage(IMAGE)
                .endContainer().endSpec()
                .withNewStatus().withPhase("Pending")
                .addNewCondition().withType("PodScheduled").withStatus("True").withLastTransitionTime(SCHEDULED.toString()).endCondition()
                .withContainerStatuses(containers).endStatus()
                .build();
    }

    private static ContainerStatus waiting(String reason, String message) {
        return new ContainerStatusBuilder().withName(VmResources.CONTAINER_NAME).withImage(IMAGE)
                .withState(new ContainerStateBuilder().withNewWaiting().withReason(reason).withMessage(message).endWaiting().build())
                .build();
    }

    private static Event event(String reason, String podName, String uid, String message, String lastSeen) {
        return new EventBuilder().withNewMetadata().withName(podName + "." + lastSeen).withNamespace("ns").endMetadata()
                .withType("Warning").withReason(reason).withMessage(message).withLastTimestamp(lastSeen)
                .withNewInvolvedObject().withKind("Pod").withName(podName).withUid(uid).withNamespace("ns").endInvolvedObject()
                .build();
    }

    @Test
    void everyImageWaitingReasonIsImagePullFailedNamingTheImageAndTheFix() {
        for (String reason : List.of("ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName", "ImageInspectError")) {
            PodTrouble trouble = PodTrouble.of(new PodView(pod(waiting(reason, "Back-off pulling image \"" + IMAGE + "\""))), List.of())
                    .orElseThrow(() -> new AssertionError(reason));
            assertEquals(Conditions.REASON_IMAGE_PULL_FAILED, trouble.reason(), reason);
            assertEquals("node node-a cannot start pod demo-build-1: image " + IMAGE + " is not in the node's container runtime"
                    + " and cannot be pulled (" + reason + ": Back-off pulling image \"" + IMAGE + "\"); load the image on the"
                    + " node (e.g. ctr -n k8s.io images import) or set the operator's launcher image (VMT_LAUNCHER_IMAGE, set by"
                    + " kustomize edit set image) to one the nodes have", trouble.message());
        }
    }

    @Test
    void aWaitingReasonWithoutAMessageSaysTheReasonAlone() {
        String message = PodTrouble.of(new PodView(pod(waiting("ErrImageNeverPull", null))), List.of()).orElseThrow().message();
        assertTrue(message.contains("(ErrImageNeverPull); load the image"), message);
    }

    @Test
    void aFailedMountOfABootDirectoryNamesTheFieldTheNodeAndTheKubeletsWords() {
        Pod pod = pod(waiting("ContainerCreating", null));
        PodTrouble trouble = PodTrouble.of(new PodView(pod), List.of(
                event("Scheduled", "demo-build-1", "uid-1", "Successfully assigned ns/demo-build-1 to node-a", "2026-11-30T18:00:00Z"),
                event("FailedMount", "demo-build-1", "uid-1", SETUP_FAILED, "2026-11-30T18:00:01Z"),
                event("FailedMount", "demo-build-1", "uid-1", "Unable to attach or mount volumes: unmounted volumes=[boot-kernel]:"
                        + " timed out waiting for the condition", "2026-11-30T18:02:01Z"))).orElseThrow();
        assertEquals(Conditions.REASON_VOLUME_MOUNT_FAILED, trouble.reason());
        assertEquals("pod demo-build-1 is stuck in ContainerCreating: spec.boot.kernel.hostPath.path: its directory cannot be"
                + " mounted on node node-a; create the directory on the node (the operator allows boot files from it,"
                + " vmt.boot-file-dirs) and put the file there, or move the file to a directory the node has (kubelet: "
                + SETUP_FAILED + ")", trouble.message());
    }

    @Test
    void aFailedMountOfAnotherVolumeSaysWhichInTheKubeletsWords() {
        String kubelet = "MountVolume.SetUp failed for volume \"template-memory\" : mkdir /dev/shm/vmtemplating: read-only file system";
        PodTrouble trouble = PodTrouble.of(new PodView(pod()), List.of(event("FailedMount", "demo-build-1", "uid-1", kubelet,
                "2026-11-30T18:00:01Z"))).orElseThrow();
        assertEquals("pod demo-build-1 is stuck in ContainerCreating: a volume of the pod cannot be mounted on node node-a;"
                + " make it available there (kubelet: " + kubelet + ")", trouble.message());
    }

    @Test
    void eventsOfOtherPodsOrOtherReasonsAreNoTrouble() {
        PodView pod = new PodView(pod(waiting("ContainerCreating", null)));
        assertEquals(Optional.empty(), PodTrouble.of(pod, List.of(
                event("FailedMount", "other-pod", "uid-2", SETUP_FAILED, "2026-11-30T18:00:01Z"),
                // a pod of the same name from before (its uid differs): not this one's trouble
                event("FailedMount", "demo-build-1", "uid-0", SETUP_FAILED, "2026-11-30T18:00:01Z"),
                event("Pulled", "demo-build-1", "uid-1", "Container image already present", "2026-11-30T18:00:01Z"))));
        assertEquals(Optional.empty(), PodTrouble.of(new PodView(pod(waiting("ContainerCreating", null))), List.of()));
    }

    @Test
    void eventsAreReadOnlyForAPodCreatingItsContainerLongerThanTheGrace() {
        PodView creating = new PodView(pod(waiting("ContainerCreating", null)));
        assertFalse(creating.creatingContainerLongerThan(Duration.ofSeconds(3), SCHEDULED.plusSeconds(2)));
        assertTrue(creating.creatingContainerLongerThan(Duration.ofSeconds(3), SCHEDULED.plusSeconds(3)));
        // no container status yet: the kubelet has not reported, same thing
        assertTrue(new PodView(pod()).creatingContainerLongerThan(Duration.ofSeconds(3), SCHEDULED.plusSeconds(5)));
        // waiting for an image, running, or not scheduled: not a mount
        assertFalse(new PodView(pod(waiting("ErrImagePull", null))).creatingContainerLongerThan(Duration.ZERO, SCHEDULED.plusSeconds(60)));
        Pod running = pod(waiting("ContainerCreating", null));
        running.getStatus().setPhase("Running");
        assertFalse(new PodView(running).creatingContainerLongerThan(Duration.ZERO, SCHEDULED.plusSeconds(60)));
        Pod unscheduled = pod(waiting("ContainerCreating", null));
        unscheduled.getStatus().getConditions().get(0).setStatus("False");
        assertFalse(new PodView(unscheduled).creatingContainerLongerThan(Duration.ZERO, SCHEDULED.plusSeconds(60)));
    }
}
