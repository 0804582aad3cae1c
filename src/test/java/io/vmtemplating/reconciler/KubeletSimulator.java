package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vmtemplating.launcher.PortMap;
import java.time.Instant;
import java.util.List;

/** Sets pod status the way a kubelet would: these tests run against the mock API server, with no node. */
final class KubeletSimulator {
    /** The termination message of a template launcher that froze its guest, as tests of the reconcilers feed it. */
    static final String FROZEN_RESULT = """
            {"outcome":"Frozen","qemuVersion":"10.0.2","bootMillis":6100,"freezeMillis":14,
             "memoryFiles":["/vmt/memory/pc.ram"],"stateFile":"/vmt/state/state","metadataFile":"/vmt/state/metadata.json","stateBytes":293000}""";

    private final KubernetesClient client;

    KubeletSimulator(KubernetesClient client) {
        this.client = client;
    }

    void running(Pod pod, boolean ready, String podIp) {
        running(pod, ready, podIp, PortMap.IDENTITY);
    }

    /** Running on a node that gave the pod's ports node ports of their own, as the local node does. */
    void running(Pod pod, boolean ready, String podIp, PortMap ports) {
        List<io.fabric8.kubernetes.api.model.PodCondition> conditions = new java.util.ArrayList<>();
        conditions.add(new PodConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False").build());
        if (!ports.nodePorts().isEmpty()) {
            conditions.add(new PodConditionBuilder().withType(PortMap.CONDITION_TYPE).withStatus("True")
                    .withMessage(ports.render()).build());
        }
        setStatus(pod, new PodStatusBuilder()
                .withPhase("Running").withPodIP(podIp)
                .withConditions(conditions)
                .withContainerStatuses(new ContainerStatusBuilder().withName(VmResources.CONTAINER_NAME).withReady(ready)
                        .withState(new ContainerStateBuilder().withNewRunning().withStartedAt(Instant.now().toString()).endRunning().build())
                        .build())
                .build());
    }

    void terminated(Pod pod, boolean success, int exitCode, String terminationMessage) {
        setStatus(pod, new PodStatusBuilder()
                .withPhase(success ? "Succeeded" : "Failed")
                .withContainerStatuses(new ContainerStatusBuilder().withName(VmResources.CONTAINER_NAME)
                        .withState(new ContainerStateBuilder().withNewTerminated()
                                .withExitCode(exitCode).withMessage(terminationMessage)
                                .withFinishedAt(Instant.now().toString()).endTerminated().build())
                        .build())
                .build());
    }

    /**
     * Rejected by the kubelet's admission before any container ran, as kubelet 1.34's rejectPod writes it: phase Failed,
     * the reason and "Pod was rejected: ..."; the scheduler's PodScheduled condition kept, no container status.
     */
    void rejected(Pod pod, Instant scheduledAt, String reason, String message) {
        setStatus(pod, new PodStatusBuilder()
                .withPhase("Failed").withReason(reason).withMessage("Pod was rejected: " + message)
                .withConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("True")
                        .withLastTransitionTime(scheduledAt.toString()).build())
                .build());
    }

    /** Pending on its node since {@code scheduledAt}, the container waiting with the kubelet's reason and message. */
    void waiting(Pod pod, Instant scheduledAt, String reason, String message) {
        setStatus(pod, new PodStatusBuilder()
                .withPhase("Pending")
                .withConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("True")
                        .withLastTransitionTime(scheduledAt.toString()).build())
                .withContainerStatuses(new ContainerStatusBuilder().withName(VmResources.CONTAINER_NAME)
                        .withImage(pod.getSpec().getContainers().get(0).getImage())
                        .withState(new ContainerStateBuilder().withNewWaiting().withReason(reason).withMessage(message)
                                .endWaiting().build())
                        .build())
                .build());
    }

    void scheduled(Pod pod, String node) {
        client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .edit(p -> {
                    p.getSpec().setNodeName(node);
                    return p;
                });
    }

    private void setStatus(Pod pod, PodStatus status) {
        client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .editStatus(p -> {
                    p.setStatus(status);
                    return p;
                });
    }

    List<Pod> pods(String namespace, String role) {
        return client.pods().inNamespace(namespace).withLabel(VmResources.LABEL_ROLE, role).list().getItems();
    }
}
