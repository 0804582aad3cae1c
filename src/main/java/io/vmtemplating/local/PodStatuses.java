package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIPBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.vmtemplating.launcher.PortMap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Pod status documents as a kubelet writes them (kubelet's status/generate.go): phase, the four conditions it owns
 * plus PodScheduled, one container status, host and pod addresses. Pure: the pod as it is now in, the new status out.
 * What is not the kubelet's to write is carried over: qosClass (the API server computes it at creation and
 * rejects a change), startTime once set, other writers' conditions, and transition times of unchanged conditions.
 */
final class PodStatuses {
    private static final Set<String> KUBELET_CONDITIONS =
            Set.of("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled");

    private PodStatuses() {
    }

    /** @param podIp the pod's address once it has one, else null (a pod waiting for its volumes has none yet) */
    static PodStatus of(Pod pod, String podIp, ContainerRun run, Instant now) {
        String container = pod.getSpec().getContainers().get(0).getName();
        PodStatusBuilder status = base(pod, run.podPhase(), now)
                .withConditions(conditions(pod, run.podPhase(), run.ready(), container, now))
                .withContainerStatuses(containerStatus(pod, run));
        if (podIp != null) {
            status.withPodIP(podIp).withPodIPs(new PodIPBuilder().withIp(podIp).build());
        }
        return status.build();
    }

    /**
     * The node's port map as a pod condition ({@link PortMap#CONDITION_TYPE}): how the operator finds the launcher's
     * port on this node. Nothing for an empty map: a pod whose ports are as declared needs no condition.
     */
    static PodStatus withPortMap(PodStatus status, PortMap ports) {
        if (ports.nodePorts().isEmpty()) {
            return status;
        }
        List<PodCondition> conditions = new ArrayList<>(status.getConditions().stream()
                .filter(c -> !PortMap.CONDITION_TYPE.equals(c.getType())).toList());
        String transition = status.getConditions().stream().filter(c -> PortMap.CONDITION_TYPE.equals(c.getType()))
                .map(PodCondition::getLastTransitionTime).findFirst().orElse(status.getStartTime());
        conditions.add(new PodConditionBuilder().withType(PortMap.CONDITION_TYPE).withStatus("True")
                .withReason("PortsOnNode").withMessage(ports.render()).withLastTransitionTime(transition).build());
        status.setConditions(conditions);
        return status;
    }

    /** A container that ended for a reason of the node's (its shutdown, its restart), said on the pod as kubelet does. */
    static PodStatus ended(Pod pod, String podIp, ContainerRun.Terminated run, String reason, String message, Instant now) {
        PodStatus status = of(pod, podIp, run, now);
        status.setReason(reason);
        status.setMessage(message);
        return status;
    }

    /** A pod this node cannot run at all, refused before any container starts (kubelet's pod admission). */
    static PodStatus rejected(Pod pod, String reason, String message, Instant now) {
        return base(pod, "Failed", now).withReason(reason).withMessage(message)
                .withConditions(conditions(pod, "Failed", false, pod.getSpec().getContainers().get(0).getName(), now))
                .build();
    }

    private static PodStatusBuilder base(Pod pod, String phase, Instant now) {
        PodStatus previous = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
        return new PodStatusBuilder()
                .withPhase(phase)
                .withObservedGeneration(pod.getMetadata().getGeneration())
                .withHostIP(NodeDocuments.HOST_IP)
                .withHostIPs(new HostIPBuilder().withIp(NodeDocuments.HOST_IP).build())
                .withStartTime(previous.getStartTime() != null ? previous.getStartTime() : NodeDocuments.time(now))
                .withQosClass(previous.getQosClass());
    }

    private static List<PodCondition> conditions(Pod pod, String phase, boolean ready, String container, Instant now) {
        List<PodCondition> previous = pod.getStatus() == null || pod.getStatus().getConditions() == null
                ? List.of() : pod.getStatus().getConditions();
        List<PodCondition> conditions = new ArrayList<>(previous.stream()
                .filter(c -> !KUBELET_CONDITIONS.contains(c.getType())).toList());
        boolean terminal = phase.equals("Succeeded") || phase.equals("Failed");
        String notReadyReason = phase.equals("Succeeded") ? "PodCompleted" : phase.equals("Failed") ? "PodFailed" : "ContainersNotReady";
        String notReadyMessage = terminal ? null : "containers with unready status: [" + container + "]";
        Long generation = pod.getMetadata().getGeneration();
        // the pod's sandbox: up while its container may run, gone once the pod ended
        conditions.add(condition(previous, "PodReadyToStartContainers", phase.equals("Running"), null, null, generation, now));
        conditions.add(condition(previous, "Initialized", true, phase.equals("Succeeded") ? "PodCompleted" : null, null, generation, now));
        conditions.add(condition(previous, "Ready", ready, ready ? null : notReadyReason, ready ? null : notReadyMessage, generation, now));
        conditions.add(condition(previous, "ContainersReady", ready, ready ? null : notReadyReason, ready ? null : notReadyMessage, generation, now));
        conditions.add(condition(previous, "PodScheduled", true, null, null, generation, now));
        return conditions;
    }

    private static PodCondition condition(List<PodCondition> previous, String type, boolean status, String reason,
            String message, Long generation, Instant now) {
        String value = status ? "True" : "False";
        String transition = previous.stream().filter(c -> type.equals(c.getType()) && value.equals(c.getStatus()))
                .map(PodCondition::getLastTransitionTime).findFirst().orElse(NodeDocuments.time(now));
        return new PodConditionBuilder().withType(type).withStatus(value).withReason(reason).withMessage(message)
                .withObservedGeneration(generation).withLastTransitionTime(transition).build();
    }

    private static ContainerStatus containerStatus(Pod pod, ContainerRun run) {
        var container = pod.getSpec().getContainers().get(0);
        return new ContainerStatusBuilder()
                .withName(container.getName())
                // no image is pulled: the command runs on this machine; the image is reported as the spec names it
                .withImage(container.getImage() == null ? "" : container.getImage())
                .withImageID("")
                .withContainerID(run.runtimeId().orElse(null))
                .withReady(run.ready())
                .withStarted(run instanceof ContainerRun.Running)
                .withRestartCount(0)
                .withState(run.state())
                .build();
    }
}
