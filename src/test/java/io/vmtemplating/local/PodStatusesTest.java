package io.vmtemplating.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodStatusesTest {
    private static final Instant SCHEDULED = Instant.parse("2026-11-30T12:00:00Z");
    private static final Instant T1 = Instant.parse("2026-11-30T12:00:01.400Z");
    private static final Instant T2 = Instant.parse("2026-11-30T12:00:05Z");
    private static final Instant T3 = Instant.parse("2026-11-30T12:01:00Z");

    /** A pod as the API server and scheduler leave it: qosClass computed, PodScheduled set, nothing of a kubelet. */
    private static Pod scheduled() {
        return new PodBuilder()
                .withNewMetadata().withNamespace("ns").withName("p").withUid("uid-1").withGeneration(1L).endMetadata()
                .withNewSpec().withNodeName("local-node").addNewContainer().withName("launcher")
                    .withImage("vm-templating-operator:0.1.0").endContainer().endSpec()
                .withNewStatus().withPhase("Pending").withQosClass("Burstable")
                    .withConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("True")
                            .withLastTransitionTime("2026-11-30T12:00:00Z").build(),
                            new PodConditionBuilder().withType("example.com/gate").withStatus("False").build())
                .endStatus()
                .build();
    }

    private static Pod with(Pod pod, PodStatus status) {
        return new PodBuilder(pod).withStatus(status).build();
    }

    /** type → status/reason/lastTransitionTime, in the order written */
    private static Map<String, String> conditions(PodStatus status) {
        Map<String, String> conditions = new LinkedHashMap<>();
        for (PodCondition c : status.getConditions()) {
            conditions.put(c.getType(), c.getStatus() + "/" + c.getReason() + "/" + c.getLastTransitionTime());
        }
        return conditions;
    }

    @Test
    void waitingForVolumesIsPendingWithoutAnAddress() {
        PodStatus status = PodStatuses.of(scheduled(), null,
                new ContainerRun.Waiting("ContainerCreating", "configmap \"kube-root-ca.crt\" not found"), T1);
        assertEquals("Pending", status.getPhase());
        assertNull(status.getPodIP());
        assertEquals(List.of(), status.getPodIPs());
        assertEquals("127.0.0.1", status.getHostIP());
        assertEquals("2026-11-30T12:00:01Z", status.getStartTime());
        assertEquals(Map.of(
                "example.com/gate", "False/null/null",
                "PodReadyToStartContainers", "False/null/2026-11-30T12:00:01Z",
                "Initialized", "True/null/2026-11-30T12:00:01Z",
                "Ready", "False/ContainersNotReady/2026-11-30T12:00:01Z",
                "ContainersReady", "False/ContainersNotReady/2026-11-30T12:00:01Z",
                "PodScheduled", "True/null/2026-11-30T12:00:00Z"), conditions(status));
        var container = status.getContainerStatuses().get(0);
        assertEquals("ContainerCreating", container.getState().getWaiting().getReason());
        assertEquals(List.of(false, false), List.of(container.getReady(), container.getStarted()));
        assertNull(container.getContainerID());
    }

    @Test
    void runningThenReadyKeepsWhatTheApiServerAndSchedulerWrote() {
        Pod pod = scheduled();
        PodStatus running = PodStatuses.of(pod, "127.0.4.7", new ContainerRun.Running("vmt-local-node://4242", T1, false), T1);
        assertEquals("Running", running.getPhase());
        assertEquals("Burstable", running.getQosClass());
        assertEquals(1L, running.getObservedGeneration());
        assertEquals("127.0.4.7", running.getPodIP());
        assertEquals(List.of("127.0.4.7"), running.getPodIPs().stream().map(ip -> ip.getIp()).toList());
        assertEquals(List.of("127.0.0.1"), running.getHostIPs().stream().map(ip -> ip.getIp()).toList());
        var container = running.getContainerStatuses().get(0);
        assertEquals(List.of("launcher", "vm-templating-operator:0.1.0", "", "vmt-local-node://4242"),
                List.of(container.getName(), container.getImage(), container.getImageID(), container.getContainerID()));
        assertEquals(List.of(false, true, 0), List.of(container.getReady(), container.getStarted(), container.getRestartCount()));
        assertEquals("2026-11-30T12:00:01Z", container.getState().getRunning().getStartedAt());
        assertEquals("True/null/2026-11-30T12:00:01Z", conditions(running).get("PodReadyToStartContainers"));

        PodStatus ready = PodStatuses.of(with(pod, running), "127.0.4.7",
                new ContainerRun.Running("vmt-local-node://4242", T1, true), T2);
        assertEquals(Map.of(
                "example.com/gate", "False/null/null",
                "PodReadyToStartContainers", "True/null/2026-11-30T12:00:01Z",
                "Initialized", "True/null/2026-11-30T12:00:01Z",
                "Ready", "True/null/2026-11-30T12:00:05Z",
                "ContainersReady", "True/null/2026-11-30T12:00:05Z",
                "PodScheduled", "True/null/2026-11-30T12:00:00Z"), conditions(ready));
        assertEquals("2026-11-30T12:00:01Z", ready.getStartTime());
        assertEquals(true, ready.getContainerStatuses().get(0).getReady());
    }

    @Test
    void succeededAndFailedAsKubeletWordsThem() {
        Pod pod = scheduled();
        PodStatus running = PodStatuses.of(pod, "127.0.4.7", new ContainerRun.Running("vmt-local-node://4242", T1, true), T1);
        PodStatus succeeded = PodStatuses.of(with(pod, running), "127.0.4.7",
                new ContainerRun.Terminated("vmt-local-node://4242", T1, T3, 0, "Completed", "{\"outcome\":\"Frozen\"}"), T3);
        assertEquals("Succeeded", succeeded.getPhase());
        assertEquals(Map.of(
                "example.com/gate", "False/null/null",
                "PodReadyToStartContainers", "False/null/2026-11-30T12:01:00Z",
                "Initialized", "True/PodCompleted/2026-11-30T12:00:01Z",
                "Ready", "False/PodCompleted/2026-11-30T12:01:00Z",
                "ContainersReady", "False/PodCompleted/2026-11-30T12:01:00Z",
                "PodScheduled", "True/null/2026-11-30T12:00:00Z"), conditions(succeeded));
        var terminated = succeeded.getContainerStatuses().get(0).getState().getTerminated();
        assertEquals(List.of(0, "Completed", "{\"outcome\":\"Frozen\"}", "vmt-local-node://4242", "2026-11-30T12:00:01Z",
                "2026-11-30T12:01:00Z"), List.of(terminated.getExitCode(), terminated.getReason(), terminated.getMessage(),
                terminated.getContainerID(), terminated.getStartedAt(), terminated.getFinishedAt()));
        assertEquals(false, succeeded.getContainerStatuses().get(0).getStarted());

        PodStatus failed = PodStatuses.of(with(pod, running), "127.0.4.7",
                new ContainerRun.Terminated("vmt-local-node://4242", T1, T3, 1, "Error", "boom"), T3);
        assertEquals("Failed", failed.getPhase());
        assertEquals("False/PodFailed/2026-11-30T12:01:00Z", conditions(failed).get("Ready"));
        assertEquals("127.0.4.7", failed.getPodIP());
    }

    @Test
    void aCommandThatCannotStartHasNoContainerId() {
        PodStatus status = PodStatuses.of(scheduled(), "127.0.4.7",
                new ContainerRun.Terminated("", T1, T1, 128, "StartError", "Cannot run program \"nope\""), T1);
        assertEquals("Failed", status.getPhase());
        assertNull(status.getContainerStatuses().get(0).getContainerID());
        assertNull(status.getContainerStatuses().get(0).getState().getTerminated().getContainerID());
    }

    @Test
    void endedByTheNodeSaysWhyOnThePod() {
        PodStatus status = PodStatuses.ended(scheduled(), "127.0.4.7",
                new ContainerRun.Terminated("vmt-local-node://4242", T1, T3, 143, "Error", ""), "Terminated",
                LocalNode.SHUTDOWN_MESSAGE, T3);
        assertEquals(List.of("Failed", "Terminated", "Pod was terminated in response to imminent node shutdown."),
                List.of(status.getPhase(), status.getReason(), status.getMessage()));
    }

    @Test
    void aPodThisNodeCannotRunIsRejectedBeforeAnyContainer() {
        PodStatus status = PodStatuses.rejected(scheduled(), "UnsupportedPod", "two containers", T1);
        assertEquals(List.of("Failed", "UnsupportedPod", "two containers", "Burstable"),
                List.of(status.getPhase(), status.getReason(), status.getMessage(), status.getQosClass()));
        assertEquals(List.of(), status.getContainerStatuses());
        assertEquals("False/PodFailed/2026-11-30T12:00:01Z", conditions(status).get("Ready"));
    }
}
