package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 6: deploy/vm-namespace/networkpolicy.yaml read as a network plugin would apply it to the pods
 * LauncherPods writes and the operator's Deployment: who may reach which port of a launcher pod. (This machine's CNI
 * bridge enforces no NetworkPolicy; the end-to-end suite shows the real API server accepts the object.)
 */
class LauncherNetworkPolicyTest {
    private static final NetworkPolicy POLICY = SamplePods.read("deploy/vm-namespace/networkpolicy.yaml", NetworkPolicy.class);
    private static final SamplePods.Set PODS = SamplePods.build(OperatorSettings.DEFAULTS, "vms");
    private static final Map<String, String> OPERATOR_NAMESPACE =
            withName(SamplePods.read("deploy/namespace.yaml", Namespace.class));
    private static final Map<String, String> OPERATOR_POD =
            SamplePods.read("deploy/deployment.yaml", Deployment.class).getSpec().getTemplate().getMetadata().getLabels();
    private static final Map<String, String> VM_NAMESPACE = Map.of("kubernetes.io/metadata.name", "vms");
    private static final Map<String, String> SCRAPER_NAMESPACE =
            Map.of("kubernetes.io/metadata.name", "monitoring", "vmtemplating.io/metrics-scraper", "true");

    @Test
    void itGovernsEveryPodWithALauncherPort() {
        for (Pod pod : List.of(PODS.templatePod(), PODS.clonePod())) {
            assertEquals(true, matches(POLICY.getSpec().getPodSelector(), pod.getMetadata().getLabels()), pod.getMetadata().getName());
        }
    }

    @Test
    void theLauncherPortAdmitsTheOperatorAndScrapersOnly() {
        assertEquals(true, admits(OPERATOR_NAMESPACE, OPERATOR_POD, 8080, "TCP"));
        assertEquals(true, admits(SCRAPER_NAMESPACE, Map.of("app", "prometheus"), 8080, "TCP"));
        // a guest's neighbour in its own namespace, a pod that copies the operator's labels elsewhere
        assertEquals(false, admits(VM_NAMESPACE, PODS.clonePod().getMetadata().getLabels(), 8080, "TCP"));
        assertEquals(false, admits(VM_NAMESPACE, OPERATOR_POD, 8080, "TCP"));
        assertEquals(false, admits(Map.of("kubernetes.io/metadata.name", "default"), Map.of(), 8080, "TCP"));
    }

    @Test
    void aClonesForwardedPortsStayOpen() {
        // every podPort admission lets through (1024-65535, 8080/tcp excepted)
        for (int port : List.of(1024, 2222, 8079, 8081, 65535)) {
            assertEquals(true, admits(VM_NAMESPACE, Map.of(), port, "TCP"), "TCP " + port);
        }
        assertEquals(true, admits(Map.of(), Map.of(), 8080, "UDP"));
    }

    /** Whether any ingress rule lets a pod with these labels, in a namespace with these labels, reach port/protocol. */
    private static boolean admits(Map<String, String> namespaceLabels, Map<String, String> podLabels, int port, String protocol) {
        for (NetworkPolicyIngressRule rule : POLICY.getSpec().getIngress()) {
            boolean fromOk = rule.getFrom() == null || rule.getFrom().isEmpty()
                    || rule.getFrom().stream().anyMatch(peer -> admitsPeer(peer, namespaceLabels, podLabels));
            boolean portOk = rule.getPorts() == null || rule.getPorts().isEmpty()
                    || rule.getPorts().stream().anyMatch(p -> coversPort(p, port, protocol));
            if (fromOk && portOk) {
                return true;
            }
        }
        return false;
    }

    private static boolean admitsPeer(NetworkPolicyPeer peer, Map<String, String> namespaceLabels, Map<String, String> podLabels) {
        assertNull(peer.getIpBlock(), "no ipBlock peers: pod IPs change");
        // no namespaceSelector: the policy's own namespace (the VM namespace)
        boolean namespaceOk = peer.getNamespaceSelector() == null ? namespaceLabels.equals(VM_NAMESPACE)
                : matches(peer.getNamespaceSelector(), namespaceLabels);
        return namespaceOk && (peer.getPodSelector() == null || matches(peer.getPodSelector(), podLabels));
    }

    private static boolean coversPort(NetworkPolicyPort rulePort, int port, String protocol) {
        String ruleProtocol = rulePort.getProtocol() == null ? "TCP" : rulePort.getProtocol();
        int from = rulePort.getPort().getIntVal();
        int to = rulePort.getEndPort() == null ? from : rulePort.getEndPort();
        return ruleProtocol.equals(protocol) && port >= from && port <= to;
    }

    private static boolean matches(LabelSelector selector, Map<String, String> labels) {
        assertEquals(List.of(), selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions(), "matchLabels only");
        return selector.getMatchLabels().entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** The label every namespace gets from the API server. */
    private static Map<String, String> withName(Namespace namespace) {
        Map<String, String> labels = new java.util.HashMap<>(namespace.getMetadata().getLabels());
        labels.put("kubernetes.io/metadata.name", namespace.getMetadata().getName());
        return labels;
    }
}
