package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddressBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.NodeSystemInfoBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** The Node and its heartbeat Lease as a kubelet writes them: pure functions of the machine's facts and the time. */
final class NodeDocuments {
    /** Pods and the node share the loopback: pod addresses are 127.x.y.z, the node's is this one. */
    static final String HOST_IP = "127.0.0.1";
    static final String LEASE_NAMESPACE = "kube-node-lease";
    /** kubelet's nodeLeaseDurationSeconds; it renews every quarter of it. */
    static final int LEASE_DURATION_SECONDS = 40;

    private NodeDocuments() {
    }

    static Map<String, String> labels(String nodeName) {
        return Map.of("kubernetes.io/hostname", nodeName, "kubernetes.io/os", "linux", "kubernetes.io/arch", "amd64");
    }

    /** The Node as registered: metadata only, its status goes through the status subresource. */
    static Node node(String nodeName) {
        return new NodeBuilder().withNewMetadata().withName(nodeName).withLabels(labels(nodeName)).endMetadata().build();
    }

    /**
     * @param previous the Node's current status (its conditions keep their transition times when unchanged); may be null
     * @param ready    false once the node stopped: its pods were terminated and none will run until it is back
     */
    static NodeStatus status(NodeFacts facts, NodeStatus previous, Instant now, boolean ready) {
        List<NodeCondition> old = previous == null || previous.getConditions() == null ? List.of() : previous.getConditions();
        return new NodeStatusBuilder()
                .withCapacity(facts.capacity().capacity())
                .withAllocatable(facts.capacity().allocatable())
                .withConditions(
                        condition(old, "MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", now),
                        condition(old, "DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", now),
                        condition(old, "PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", now),
                        ready ? condition(old, "Ready", "True", "KubeletReady", "kubelet is posting ready status", now)
                                : condition(old, "Ready", "False", "KubeletNotReady", "vmt node stopped; its pods were terminated", now))
                .withAddresses(new NodeAddressBuilder().withType("InternalIP").withAddress(HOST_IP).build(),
                        new NodeAddressBuilder().withType("Hostname").withAddress(facts.nodeName()).build())
                .withNodeInfo(new NodeSystemInfoBuilder()
                        .withMachineID(facts.machineId())
                        .withSystemUUID("")
                        .withBootID(facts.bootId())
                        .withKernelVersion(facts.kernelVersion())
                        .withOsImage(facts.osImage())
                        .withContainerRuntimeVersion(facts.containerRuntimeVersion())
                        .withKubeletVersion(facts.kubeletVersion())
                        .withKubeProxyVersion("")
                        .withOperatingSystem("linux")
                        .withArchitecture("amd64")
                        .build())
                .build();
    }

    private static NodeCondition condition(List<NodeCondition> old, String type, String status, String reason,
            String message, Instant now) {
        String transition = old.stream().filter(c -> type.equals(c.getType()) && status.equals(c.getStatus()))
                .map(NodeCondition::getLastTransitionTime).findFirst().orElse(time(now));
        return new NodeConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastHeartbeatTime(time(now)).withLastTransitionTime(transition).build();
    }

    /** The heartbeat Lease, owned by the Node so it goes with it (as kubelet sets it). */
    static Lease lease(String nodeName, String nodeUid, Instant now) {
        return new LeaseBuilder()
                .withNewMetadata().withName(nodeName).withNamespace(LEASE_NAMESPACE)
                    .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Node")
                            .withName(nodeName).withUid(nodeUid).build())
                .endMetadata()
                .withNewSpec().withHolderIdentity(nodeName).withLeaseDurationSeconds(LEASE_DURATION_SECONDS)
                    .withRenewTime(now.atZone(ZoneOffset.UTC)).endSpec()
                .build();
    }

    /** metav1.Time: RFC 3339 in whole seconds, as Kubernetes writes it. */
    static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
