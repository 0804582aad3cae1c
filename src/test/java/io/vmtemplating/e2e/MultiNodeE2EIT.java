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
 * frozen on all three (samples/multi-node/), nine clones spread 3/3/3 by the real scheduler; one node's memory files
 * wiped and only its copy rebuilt; then a node dies and is removed: its clones fail with the reason, its copy is not
 * Ready, and new clones land on the two others; last, nodes labelled into and out of a template's placement.
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
            assertEquals("qemu64", copy.cpuModel(), "no -cpu in the sample: QEMU's default model");
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
    void aNodeWhoseFilesVanishedRebuildsOnlyItsOwnCopy() throws IOException {
        VmTemplate before = template();
        Map<String, TemplateCopy> others = before.getStatus().copies().stream().filter(c -> !"local-node-2".equals(c.nodeName()))
                .collect(Collectors.toMap(TemplateCopy::nodeName, Function.identity()));
        // what a reboot does to tmpfs: the guest RAM files of the copy on local-node-2 are gone
        Path memory = cluster.onNode(2, "/dev/shm/vmtemplating/" + before.getMetadata().getUid());
        try (var files = Files.list(memory)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        client.resource(Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClone
                metadata: {name: pinned-2, namespace: default}
                spec:
                  templateRef: {name: spread}
                  nodeSelector: {kubernetes.io/hostname: local-node-2}
                """, VmClone.class)).create();

        // its launcher finds the files missing; that copy alone is built again (on the same node: the others hold
        // copies), and the clone starts there once it is Ready
        awaitRunning(List.of("pinned-2"));
        assertEquals("local-node-2", clone("pinned-2").getStatus().nodeName());
        VmTemplate after = template();
        assertEquals(3, after.getStatus().readyNodes());
        TemplateCopy rebuilt = after.getStatus().copies().stream().filter(c -> "local-node-2".equals(c.nodeName())).findFirst().orElseThrow();
        TemplateCopy old = before.getStatus().copies().stream().filter(c -> "local-node-2".equals(c.nodeName())).findFirst().orElseThrow();
        assertTrue(rebuilt.readySince().compareTo(old.readySince()) > 0, rebuilt + " rebuilt after " + old);
        for (TemplateCopy copy : after.getStatus().copies()) {
            if (!"local-node-2".equals(copy.nodeName())) {
                assertEquals(others.get(copy.nodeName()), copy, "the copies on the other nodes were not touched");
            }
        }
        names("spread-", 1, 9).forEach(n -> assertEquals(ClonePhase.Running, clone(n).getStatus().phase(),
                n + ": running clones keep the memory they mapped"));
        client.resources(VmClone.class).inNamespace(NS).withName("pinned-2").delete();
    }

    @Test
    @Order(4)
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
    @Order(5)
    void deletingTheTemplateRemovesItsFilesFromTheNodesThatRemain() throws IOException {
        String uid = template().getMetadata().getUid();
        List<Path> memory = List.of(cluster.onNode(1, "/dev/shm/vmtemplating/" + uid), cluster.onNode(2, "/dev/shm/vmtemplating/" + uid));
        memory.forEach(dir -> assertTrue(Files.isDirectory(dir), dir + " holds a copy's memory before the deletion"));
        client.resources(VmClone.class).inNamespace(NS).delete();
        RealCluster.Result delete = cluster.kubectl("delete", "-n", NS, "vmtemplate/spread", "--timeout=100s");
        assertEquals(0, delete.exitCode(), delete.output());
        // the build and cleanup pods it owned go with it: the garbage collector's work, a moment after the template
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            RealCluster.Result pods = cluster.kubectl("get", "pods", "-n", NS, "-o", "name");
            assertEquals("", pods.stdout().strip(), "pods left: " + pods.output());
        });
        // the cleanup pods empty the directories (a mount point cannot remove itself: docs/security.md)
        for (Path dir : memory) {
            try (var files = Files.list(dir)) {
                assertEquals(List.of(), files.toList(), dir + " after the deletion");
            } catch (java.nio.file.NoSuchFileException gone) {
                // removed entirely: as good
            }
        }
    }

    private static VmTemplate selected() {
        return client.resources(VmTemplate.class).inNamespace(NS).withName("selected").get();
    }

    private static void label(String node, String value) {
        RealCluster.Result label = cluster.kubectl("label", "node", node, "vm-templates" + (value == null ? "-" : "=" + value), "--overwrite");
        assertEquals(0, label.exitCode(), label.output());
    }

    @Test
    @Order(6)
    void aNodeLabelledIntoThePlacementGetsACopyAndOneLabelledOutGivesItUp() throws IOException {
        label("local-node", "on");
        RealCluster.Result apply = cluster.kubectl("apply", "-n", NS, "-f", Path.of("samples/multi-node/template-selected.yaml").toString());
        assertEquals(0, apply.exitCode(), apply.output());
        await().atMost(LONG).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            VmTemplate t = selected();
            assertEquals(1, t.getStatus() == null ? null : t.getStatus().readyNodes(), () -> String.valueOf(t.getStatus()));
            assertEquals(Conditions.FALSE, condition(t, Conditions.ALL_NODES_READY).orElseThrow().status());
        });
        assertEquals(List.of("local-node"), selected().getStatus().copies().stream().map(TemplateCopy::nodeName)
                .filter(java.util.Objects::nonNull).toList(), "only the labelled node holds a copy");

        label("local-node-2", "on");
        RealCluster.Result wait = cluster.kubectl("wait", "-n", NS, "--for=condition=AllNodesReady", "vmtemplate/selected", "--timeout=360s");
        assertEquals(0, wait.exitCode(), () -> wait.output() + "\n" + selected().getStatus());
        assertEquals(List.of("local-node", "local-node-2"), selected().getStatus().copies().stream().map(TemplateCopy::nodeName)
                .sorted().toList(), "the node that joined got its copy");

        client.resource(Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClone
                metadata: {name: on-first, namespace: default}
                spec:
                  templateRef: {name: selected}
                  nodeSelector: {kubernetes.io/hostname: local-node}
                """, VmClone.class)).create();
        awaitRunning(List.of("on-first"));
        Path memory = cluster.onNode(1, "/dev/shm/vmtemplating/" + selected().getMetadata().getUid());

        label("local-node", null);
        await().atMost(LONG).untilAsserted(() -> {
            TemplateCopy leaving = selected().getStatus().copies().stream().filter(c -> "local-node".equals(c.nodeName()))
                    .findFirst().orElseThrow();
            assertEquals(Conditions.REASON_NODE_LEFT_PLACEMENT, leaving.reason(), leaving.toString());
            assertTrue(leaving.message().contains("on-first"), leaving.message());
        });
        assertEquals(1, selected().getStatus().readyNodes());
        assertEquals(ClonePhase.Running, clone("on-first").getStatus().phase(), "the clone there keeps running");
        try (var files = Files.list(memory)) {
            assertTrue(files.findAny().isPresent(), memory + " keeps the copy's memory while its clone runs");
        }

        client.resources(VmClone.class).inNamespace(NS).withName("on-first").delete();
        await().atMost(LONG).untilAsserted(() -> {
            assertTrue(selected().getStatus().copies().stream().noneMatch(c -> "local-node".equals(c.nodeName())),
                    () -> String.valueOf(selected().getStatus().copies()));
            if (Files.isDirectory(memory)) {
                try (var files = Files.list(memory)) {
                    assertEquals(List.of(), files.toList(), memory + " after the node left the placement");
                }
            }
        });
        // the copy waits for a labelled node without one; local-node-2 keeps serving
        VmTemplate t = selected();
        assertEquals(TemplatePhase.Ready, t.getStatus().phase());
        assertEquals(1, t.getStatus().readyNodes());
        RealCluster.Result delete = cluster.kubectl("delete", "-n", NS, "vmtemplate/selected", "--timeout=100s");
        assertEquals(0, delete.exitCode(), delete.output());
    }
}
