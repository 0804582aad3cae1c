package io.vmtemplating.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.api.v1alpha1.ClonePhase;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.types.Condition;
import io.vmtemplating.api.v1alpha1.types.TemplateCopy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 17 on a real control plane with three local nodes (make cluster NODES=3), real QEMU on each: one template
 * frozen on all three (samples/multi-node/), nine clones spread 3/3/3 by the real scheduler, then a node dies and is
 * removed: its clones fail with the reason, its copy is not Ready, and new clones land on the two others.
 * Runs before the shared cluster starts (class order 1), so the two never share the machine.
 */
@Tag("qemu")
@Order(1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiNodeE2EIT {
    private static final Duration LONG = Duration.ofMinutes(6);
    private static final String NS = "default";
    private static final List<String> NODES = List.of("local-node", "local-node-2", "local-node-3");
    private static LocalNodesCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void threeNodes() {
        cluster = LocalNodesCluster.start("e2e-multinode-cluster", 3);
        client = cluster.client();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static VmTemplate template() {
        return client.resources(VmTemplate.class).inNamespace(NS).withName("spread").get();
    }

    private static VmClone clone(String name) {
        return client.resources(VmClone.class).inNamespace(NS).withName(name).get();
    }

    private static Optional<Condition> condition(VmTemplate template, String type) {
        return template.getStatus().conditions().stream().filter(c -> type.equals(c.type())).findFirst();
    }

    private static void createClones(List<String> names) {
        for (String name : names) {
            client.resource(Serialization.unmarshal("""
                    apiVersion: vmtemplating.io/v1alpha1
                    kind: VmClone
                    metadata: {name: %s, namespace: default}
                    spec:
                      templateRef: {name: spread}
                    """.formatted(name), VmClone.class)).create();
        }
    }

    private static void awaitRunning(List<String> names) {
        for (String name : names) {
            await().atMost(LONG).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertEquals(ClonePhase.Running,
                    clone(name).getStatus() == null ? null : clone(name).getStatus().phase(), () -> String.valueOf(clone(name).getStatus())));
        }
    }

    private static Map<String, Long> perNode(List<String> names) {
        return names.stream().map(n -> clone(n).getStatus().nodeName())
                .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
    }

    private static List<String> names(String prefix, int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> prefix + i).toList();
    }

    @Test
    @Order(1)
    void theTemplateIsFrozenOnEveryNode() {
        RealCluster.Result apply = cluster.kubectl("apply", "-n", NS, "-f", Path.of("samples/multi-node/template.yaml").toString());
        assertEquals(0, apply.exitCode(), apply.output());
        RealCluster.Result wait = cluster.kubectl("wait", "-n", NS, "--for=condition=AllNodesReady", "vmtemplate/spread", "--timeout=360s");
        assertEquals(0, wait.exitCode(), () -> wait.output() + "\n" + template().getStatus());
        VmTemplate t = template();
        assertEquals(TemplatePhase.Ready, t.getStatus().phase());
        assertEquals(3, t.getStatus().readyNodes());
        assertEquals(NODES, t.getStatus().copies().stream().map(TemplateCopy::nodeName).sorted().toList(),
                "one copy on each node");
        for (TemplateCopy copy : t.getStatus().copies()) {
            assertEquals("10.0.2", copy.qemuVersion(), copy.toString());
            assertTrue(copy.bootMillis() > 0 && copy.freezeMillis() > 0, copy.toString());
        }
    }

    @Test
    @Order(2)
    void nineClonesSpreadThreeOnEachNode() {
        List<String> clones = names("spread-", 1, 9);
        createClones(clones);
        awaitRunning(clones);
        assertEquals(Map.of("local-node", 3L, "local-node-2", 3L, "local-node-3", 3L), perNode(clones));
    }

    @Test
    @Order(3)
    void aLostNodeFailsItsClonesWhileNewClonesLandOnTheOthers() {
        List<String> onLostNode = names("spread-", 1, 9).stream()
                .filter(n -> "local-node-3".equals(clone(n).getStatus().nodeName())).toList();
        cluster.killNode(3);
        RealCluster.Result delete = cluster.kubectl("delete", "node", "local-node-3");
        assertEquals(0, delete.exitCode(), delete.output());

        for (String name : onLostNode) {
            await().atMost(LONG).untilAsserted(() -> {
                VmClone c = clone(name);
                assertEquals(ClonePhase.Failed, c.getStatus().phase(), () -> String.valueOf(c.getStatus()));
                Condition ready = c.getStatus().conditions().stream().filter(x -> Conditions.READY.equals(x.type())).findFirst().orElseThrow();
                assertEquals(Conditions.REASON_NODE_LOST, ready.reason());
                assertTrue(ready.message().contains("node local-node-3 is gone"), ready.message());
            });
        }
        await().atMost(LONG).untilAsserted(() -> {
            VmTemplate t = template();
            assertEquals(TemplatePhase.Ready, t.getStatus().phase(), "the two other copies keep serving");
            assertEquals(2, t.getStatus().readyNodes());
            Condition all = condition(t, Conditions.ALL_NODES_READY).orElseThrow();
            assertEquals(Conditions.FALSE, all.status());
            assertTrue(all.message().startsWith("2 of 3 copies Ready"), all.message());
        });
        List<String> survivors = names("spread-", 1, 9).stream().filter(n -> !onLostNode.contains(n)).toList();
        survivors.forEach(n -> assertEquals(ClonePhase.Running, clone(n).getStatus().phase(), n));

        List<String> fresh = names("after-", 1, 3);
        createClones(fresh);
        awaitRunning(fresh);
        assertTrue(perNode(fresh).keySet().stream().allMatch(n -> n.equals("local-node") || n.equals("local-node-2")),
                () -> "new clones on " + perNode(fresh));
    }

    @Test
    @Order(4)
    void deletingTheTemplateRemovesItsFilesFromTheNodesThatRemain() throws IOException {
        String uid = template().getMetadata().getUid();
        List<Path> memory = List.of(cluster.onNode(1, "/dev/shm/vmtemplating/" + uid), cluster.onNode(2, "/dev/shm/vmtemplating/" + uid));
        memory.forEach(dir -> assertTrue(Files.isDirectory(dir), dir + " holds a copy's memory before the deletion"));
        client.resources(VmClone.class).inNamespace(NS).delete();
        RealCluster.Result delete = cluster.kubectl("delete", "-n", NS, "vmtemplate/spread", "--timeout=100s");
        assertEquals(0, delete.exitCode(), delete.output());
        RealCluster.Result pods = cluster.kubectl("get", "pods", "-n", NS, "-o", "name");
        assertEquals("", pods.stdout().strip(), "pods left: " + pods.output());
        // the cleanup pods empty the directories (a mount point cannot remove itself: docs/security.md)
        for (Path dir : memory) {
            try (var files = Files.list(dir)) {
                assertEquals(List.of(), files.toList(), dir + " after the deletion");
            } catch (java.nio.file.NoSuchFileException gone) {
                // removed entirely: as good
            }
        }
    }

}
