package io.vmtemplating.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class NodeDocumentsTest {
    private static final Instant T0 = Instant.parse("2026-11-30T12:00:00.250Z");
    private static final Instant T1 = Instant.parse("2026-11-30T12:00:40.750Z");
    private static final NodeFacts FACTS = new NodeFacts("edge-1",
            NodeCapacity.parse(2, "MemTotal: 4096 kB\n", Map.of(), 1L << 30), "machine", "boot", "6.1.0",
            "Debian GNU/Linux 12 (bookworm)", "0.1.0");

    /** type → status/reason/lastTransitionTime/lastHeartbeatTime */
    private static Map<String, String> conditions(NodeStatus status) {
        return status.getConditions().stream().collect(Collectors.toMap(NodeCondition::getType, c -> c.getStatus() + "/"
                + c.getReason() + "/" + c.getLastTransitionTime() + "/" + c.getLastHeartbeatTime()));
    }

    @Test
    void nodeCarriesTheWellKnownLabelsOnly() {
        var node = NodeDocuments.node("edge-1");
        assertEquals("edge-1", node.getMetadata().getName());
        assertEquals(Map.of("kubernetes.io/hostname", "edge-1", "kubernetes.io/os", "linux", "kubernetes.io/arch", "amd64"),
                node.getMetadata().getLabels());
        assertEquals(null, node.getStatus());
    }

    @Test
    void firstStatusIsReadyWithoutPressure() {
        NodeStatus status = NodeDocuments.status(FACTS, null, T0, true);
        assertEquals(Map.of(
                "MemoryPressure", "False/KubeletHasSufficientMemory/2026-11-30T12:00:00Z/2026-11-30T12:00:00Z",
                "DiskPressure", "False/KubeletHasNoDiskPressure/2026-11-30T12:00:00Z/2026-11-30T12:00:00Z",
                "PIDPressure", "False/KubeletHasSufficientPID/2026-11-30T12:00:00Z/2026-11-30T12:00:00Z",
                "Ready", "True/KubeletReady/2026-11-30T12:00:00Z/2026-11-30T12:00:00Z"), conditions(status));
        assertEquals(List.of("InternalIP=127.0.0.1", "Hostname=edge-1"),
                status.getAddresses().stream().map(a -> a.getType() + "=" + a.getAddress()).toList());
        var info = status.getNodeInfo();
        assertEquals(List.of("v1.34.4-vmt-local-node", "vmt-local-node://0.1.0", "linux", "amd64", "6.1.0",
                "Debian GNU/Linux 12 (bookworm)", "machine", "boot"), List.of(info.getKubeletVersion(),
                info.getContainerRuntimeVersion(), info.getOperatingSystem(), info.getArchitecture(),
                info.getKernelVersion(), info.getOsImage(), info.getMachineID(), info.getBootID()));
        assertEquals("4Mi", status.getCapacity().get("memory").toString());
        assertEquals(FACTS.capacity().allocatable(), status.getAllocatable());
    }

    @Test
    void heartbeatMovesTransitionsStayUntilAConditionChanges() {
        NodeStatus first = NodeDocuments.status(FACTS, null, T0, true);
        NodeStatus beat = NodeDocuments.status(FACTS, first, T1, true);
        assertEquals("True/KubeletReady/2026-11-30T12:00:00Z/2026-11-30T12:00:40Z", conditions(beat).get("Ready"));
        NodeStatus stopped = NodeDocuments.status(FACTS, beat, T1, false);
        assertEquals("False/KubeletNotReady/2026-11-30T12:00:40Z/2026-11-30T12:00:40Z", conditions(stopped).get("Ready"));
        assertEquals("False/KubeletHasNoDiskPressure/2026-11-30T12:00:00Z/2026-11-30T12:00:40Z",
                conditions(stopped).get("DiskPressure"));
    }

    @Test
    void leaseIsHeldByTheNodeAndOwnedByIt() {
        var lease = NodeDocuments.lease("edge-1", "3f0c-uid", T0);
        assertEquals("kube-node-lease", lease.getMetadata().getNamespace());
        assertEquals("edge-1", lease.getMetadata().getName());
        assertEquals("edge-1", lease.getSpec().getHolderIdentity());
        assertEquals(40, lease.getSpec().getLeaseDurationSeconds());
        var owner = lease.getMetadata().getOwnerReferences().get(0);
        assertEquals(List.of("v1", "Node", "edge-1", "3f0c-uid"),
                List.of(owner.getApiVersion(), owner.getKind(), owner.getName(), owner.getUid()));
        // metav1.MicroTime: the API server parses exactly six fractional digits
        String json = Serialization.asJson(lease);
        assertTrue(json.contains("\"renewTime\":\"2026-11-30T12:00:00.250000Z\""), json);
    }

    @Test
    void osImageFromOsRelease() {
        assertEquals("Debian GNU/Linux 12 (bookworm)",
                NodeFacts.osImage("NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n"));
        assertEquals("Alpine", NodeFacts.osImage("PRETTY_NAME=Alpine\n"));
        assertEquals("Linux", NodeFacts.osImage(""));
    }
}
