package io.vmtemplating.reconciler;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.types.Condition;
import io.vmtemplating.api.v1alpha1.types.TemplateCopy;
import io.vmtemplating.local.LocalCluster;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A template frozen on several nodes (spec.placement.copies), reconciled by the operator on fabric8's mock API server;
 * the test plays scheduler and kubelet. What the real scheduler does with the pods' affinity is MultiNodeE2EIT's.
 */
class TemplateCopiesTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private LocalCluster cluster;
    private KubernetesClient client;
    private Operator operator;
    private KubeletSimulator kubelet;

    @BeforeEach
    void start() throws Exception {
        cluster = LocalCluster.apiServerOnly((object, old, lookup) -> List.of());
        client = cluster.client();
        kubelet = new KubeletSimulator(client);
        for (String node : List.of("node-a", "node-b", "node-c")) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata().build()).create();
        }
        operator = LocalCluster.startOperator(client, OperatorSettings.DEFAULTS, Metrics.NOOP);
    }

    @AfterEach
    void stop() {
        operator.stop();
        cluster.close();
    }

    private VmTemplate get(String name) {
        return client.resources(VmTemplate.class).inNamespace("default").withName(name).get();
    }

    private static Optional<Condition> condition(VmTemplate template, String type) {
        return template.getStatus().conditions().stream().filter(c -> type.equals(c.type())).findFirst();
    }

    private void freeze(Pod pod, String node) {
        kubelet.scheduled(pod, node);
        kubelet.terminated(pod, true, 0, KubeletSimulator.FROZEN_RESULT);
    }

    /**
     * A copy's build pod once it excludes exactly these nodes: a build still waiting for a node is made again when
     * another copy froze, so the test schedules the one the operator keeps.
     */
    private Pod buildPod(String name, String... excludedNodes) {
        await().atMost(WAIT).until(() -> {
            Pod pod = client.pods().inNamespace("default").withName(name).get();
            return pod != null && pod.getMetadata().getDeletionTimestamp() == null
                    && PlacementAffinity.excludedNodes(pod.getSpec().getAffinity()).equals(java.util.Set.of(excludedNodes));
        });
        return client.pods().inNamespace("default").withName(name).get();
    }

    @Test
    void eachCopyIsBuiltOnItsOwnNodeAndTheTemplateIsReadyWithTheFirst() {
        MockObjects.template(client, "three", 3);
        Pod copy0 = MockObjects.pod(client, "three-build-1");
        Pod copy1 = MockObjects.pod(client, "three-copy1-build-1");
        Pod copy2 = MockObjects.pod(client, "three-copy2-build-1");
        // built at once, the three builds repel each other: no two on one node
        for (Pod build : List.of(copy0, copy1, copy2)) {
            var antiAffinity = build.getSpec().getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
            assertEquals(1, antiAffinity.size(), build.getMetadata().getName());
            assertEquals("kubernetes.io/hostname", antiAffinity.get(0).getTopologyKey());
            assertEquals(get("three").getMetadata().getUid(),
                    antiAffinity.get(0).getLabelSelector().getMatchLabels().get(VmResources.LABEL_TEMPLATE_UID));
        }

        freeze(copy1, "node-b");
        await().atMost(WAIT).untilAsserted(() -> {
            VmTemplate t = get("three");
            assertEquals(TemplatePhase.Ready, t.getStatus().phase(), () -> String.valueOf(t.getStatus()));
            assertEquals("node-b", t.getStatus().nodeName());
            assertEquals(1, t.getStatus().readyNodes());
            Condition all = condition(t, Conditions.ALL_NODES_READY).orElseThrow();
            assertEquals(Conditions.FALSE, all.status());
            assertTrue(all.message().startsWith("1 of 3 copies Ready; copy 0 is Pending"), all.message());
        });

        // the builds still waiting for a node are made again excluding node-b: once copy 1's build ended, nothing
        // else would keep them off the node where it froze
        for (Pod waiting : List.of(copy0, copy2)) {
            await().atMost(WAIT).untilAsserted(() -> {
                Pod again = client.pods().inNamespace("default").withName(waiting.getMetadata().getName()).get();
                assertTrue(again != null && !again.getMetadata().getUid().equals(waiting.getMetadata().getUid()), "made again");
                assertEquals(java.util.Set.of("node-b"), PlacementAffinity.excludedNodes(again.getSpec().getAffinity()));
            });
        }
        freeze(buildPod("three-build-1", "node-b"), "node-a");
        freeze(buildPod("three-copy2-build-1", "node-a", "node-b"), "node-c");
        await().atMost(WAIT).untilAsserted(() -> {
            VmTemplate t = get("three");
            assertEquals(3, t.getStatus().readyNodes());
            assertEquals(List.of("node-a", "node-b", "node-c"), t.getStatus().copies().stream().map(TemplateCopy::nodeName).toList());
            assertEquals(List.of("10.0.2", "10.0.2", "10.0.2"), t.getStatus().copies().stream().map(TemplateCopy::qemuVersion).toList());
            assertEquals(List.of("qemu64", "qemu64", "qemu64"), t.getStatus().copies().stream().map(TemplateCopy::cpuModel).toList());
            assertEquals(Conditions.TRUE, condition(t, Conditions.ALL_NODES_READY).orElseThrow().status());
            // the top level shows the first Ready copy, as a template with one copy always did
            assertEquals("node-a", t.getStatus().nodeName());
        });
    }

    @Test
    void aRetriedCopyAvoidsTheNodesOfTheOthersAndAFailedCopyLeavesTheTemplateReady() {
        MockObjects.template(client, "retry", 2);
        freeze(MockObjects.pod(client, "retry-build-1"), "node-a");
        Pod copy1 = buildPod("retry-copy1-build-1", "node-a");
        kubelet.scheduled(copy1, "node-b");
        kubelet.terminated(copy1, false, 1, "{\"outcome\":\"BootFailed\",\"error\":\"the guest never printed GUEST-READY\"}");

        // the next attempt (after the backoff) excludes node-a, which holds copy 0
        Pod retry = MockObjects.pod(client, "retry-copy1-build-2");
        var terms = retry.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms();
        assertEquals(1, terms.size());
        assertEquals("metadata.name", terms.get(0).getMatchFields().get(0).getKey());
        assertEquals("NotIn", terms.get(0).getMatchFields().get(0).getOperator());
        assertEquals(List.of("node-a"), terms.get(0).getMatchFields().get(0).getValues());

        VmTemplate t = get("retry");
        assertEquals(TemplatePhase.Ready, t.getStatus().phase());
        TemplateCopy failed = t.getStatus().copies().get(1);
        assertEquals(1, failed.failedAttempts());
        assertEquals(Conditions.FALSE, condition(t, Conditions.ALL_NODES_READY).orElseThrow().status());
    }

    @Test
    void aDeletedNodesCopyIsBuiltAgainAwayFromTheOtherCopiesWhileTheTemplateStaysReady() {
        MockObjects.template(client, "lost", 3);
        freeze(MockObjects.pod(client, "lost-build-1"), "node-a");
        freeze(buildPod("lost-copy1-build-1", "node-a"), "node-b");
        freeze(buildPod("lost-copy2-build-1", "node-a", "node-b"), "node-c");
        await().atMost(WAIT).until(() -> get("lost").getStatus().readyNodes() == 3);
        String firstBuild = client.pods().inNamespace("default").withName("lost-copy2-build-1").get().getMetadata().getUid();

        client.nodes().withName("node-c").delete();

        // the copy starts over: its stranded build pod removed by force, a new one excluding the two other copies' nodes
        await().atMost(WAIT).untilAsserted(() -> {
            Pod rebuild = client.pods().inNamespace("default").withName("lost-copy2-build-1").get();
            assertTrue(rebuild != null && !firstBuild.equals(rebuild.getMetadata().getUid()), "a new build pod for copy 2");
            var fields = rebuild.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                    .getNodeSelectorTerms().get(0).getMatchFields();
            assertEquals(List.of("NotIn", "NotIn"), fields.stream().map(f -> f.getOperator()).toList());
            assertEquals(List.of(List.of("node-a"), List.of("node-b")), fields.stream().map(f -> f.getValues()).toList());
        });
        VmTemplate t = get("lost");
        assertEquals(TemplatePhase.Ready, t.getStatus().phase(), "the two other copies keep serving");
        assertEquals(2, t.getStatus().readyNodes());
        assertEquals(TemplatePhase.Pending, t.getStatus().copies().get(2).phase());
        assertNull(t.getStatus().copies().get(2).nodeName());
    }

    @Test
    void aNodeRelabelledOutOfThePlacementGivesUpItsCopyOnceItsClonesAreGone() {
        for (String node : List.of("node-a", "node-b")) {
            client.nodes().withName(node).edit(n -> new NodeBuilder(n).editMetadata().addToLabels("vm", "yes").endMetadata().build());
        }
        MockObjects.template(client, "moving", "\n  placement: {copies: 2, nodeSelector: {vm: \"yes\"}}");
        freeze(MockObjects.pod(client, "moving-build-1"), "node-a");
        freeze(buildPod("moving-copy1-build-1", "node-a"), "node-b");
        await().atMost(WAIT).until(() -> get("moving").getStatus().readyNodes() == 2);
        String firstBuild = client.pods().inNamespace("default").withName("moving-build-1").get().getMetadata().getUid();
        MockObjects.clone(client, "on-a", "moving");
        kubelet.scheduled(MockObjects.pod(client, "on-a-vm"), "node-a");
        await().atMost(WAIT).until(() -> "node-a".equals(client.resources(VmClone.class).inNamespace("default").withName("on-a")
                .get().getStatus().nodeName()));

        client.nodes().withName("node-a").edit(n -> new NodeBuilder(n).editMetadata().removeFromLabels("vm").endMetadata().build());

        // no new clone goes there; the clone there keeps running and keeps the files
        await().atMost(WAIT).untilAsserted(() -> {
            TemplateCopy copy0 = get("moving").getStatus().copies().get(0);
            assertEquals(List.of(TemplatePhase.Pending, Conditions.REASON_NODE_LEFT_PLACEMENT, "node-a"),
                    List.of(copy0.phase(), copy0.reason(), copy0.nodeName()));
            assertTrue(copy0.message().contains("once its 1 clone(s) there are gone: on-a"), copy0.message());
        });
        assertEquals(1, get("moving").getStatus().readyNodes());
        assertEquals(TemplatePhase.Ready, get("moving").getStatus().phase(), "copy 1 keeps serving");
        assertNull(client.pods().inNamespace("default").withName("moving-copy0-drain").get(), "files kept while a clone runs");

        client.resources(VmClone.class).inNamespace("default").withName("on-a").delete();
        Pod drain = MockObjects.pod(client, "moving-copy0-drain");
        assertEquals("node-a", drain.getSpec().getNodeName(), "the files are removed where they are");
        kubelet.terminated(drain, true, 0, "");

        // then built again where the placement allows: not node-b (copy 1), and the selector goes with it
        await().atMost(WAIT).untilAsserted(() -> {
            Pod rebuild = client.pods().inNamespace("default").withName("moving-build-1").get();
            assertTrue(rebuild != null && !firstBuild.equals(rebuild.getMetadata().getUid()), "a new build pod for copy 0");
            assertEquals("yes", rebuild.getSpec().getNodeSelector().get("vm"));
            var fields = rebuild.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                    .getNodeSelectorTerms().get(0).getMatchFields();
            assertEquals(List.of(List.of("node-b")), fields.stream().map(f -> f.getValues()).toList());
        });
        TemplateCopy copy0 = get("moving").getStatus().copies().get(0);
        assertEquals(TemplatePhase.Pending, copy0.phase(), "building again");
        assertNull(copy0.nodeName(), "nothing of node-a kept");
    }

    @Test
    void aCopyFrozenByAnotherQemuIsMarkedAndTakesNoClones() {
        MockObjects.template(client, "versions", 3);
        freeze(MockObjects.pod(client, "versions-build-1"), "node-a");
        Pod odd = buildPod("versions-copy1-build-1", "node-a");
        kubelet.scheduled(odd, "node-b");
        kubelet.terminated(odd, true, 0, KubeletSimulator.FROZEN_RESULT.replace("10.0.2", "9.2.0"));
        freeze(buildPod("versions-copy2-build-1", "node-a", "node-b"), "node-c");

        await().atMost(WAIT).untilAsserted(() -> {
            TemplateCopy copy1 = get("versions").getStatus().copies().get(1);
            assertEquals(List.of(TemplatePhase.Failed, Conditions.REASON_QEMU_VERSION_MISMATCH, "node-b"),
                    List.of(copy1.phase(), copy1.reason(), copy1.nodeName()));
            assertTrue(copy1.message().startsWith("frozen with QEMU 9.2.0 on node node-b, the template's other copies with"
                    + " QEMU 10.0.2"), copy1.message());
        });
        VmTemplate t = get("versions");
        assertEquals(TemplatePhase.Ready, t.getStatus().phase());
        assertEquals(2, t.getStatus().readyNodes());
        assertEquals(Conditions.FALSE, condition(t, Conditions.ALL_NODES_READY).orElseThrow().status());

        MockObjects.clone(client, "c-versions", "versions");
        var terms = MockObjects.pod(client, "c-versions-vm").getSpec().getAffinity().getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
        assertEquals(List.of(List.of("node-a"), List.of("node-c")), terms.stream().map(x -> x.getMatchFields().get(0).getValues()).toList(),
                "clones go only where the template's QEMU froze");
        assertNull(client.pods().inNamespace("default").withName("versions-copy1-build-2").get(), "not rebuilt: same node, same QEMU");
    }

    @Test
    void aCopyWhoseFilesVanishedIsBuiltAgainAloneWhileTheOtherKeepsServing() {
        MockObjects.template(client, "wiped", 2);
        freeze(MockObjects.pod(client, "wiped-build-1"), "node-a");
        freeze(buildPod("wiped-copy1-build-1", "node-a"), "node-b");
        await().atMost(WAIT).until(() -> get("wiped").getStatus().readyNodes() == 2);
        TemplateCopy untouched = get("wiped").getStatus().copies().get(1);
        String firstBuild = client.pods().inNamespace("default").withName("wiped-build-1").get().getMetadata().getUid();
        MockObjects.clone(client, "c-wiped", "wiped");
        Pod first = MockObjects.pod(client, "c-wiped-vm");
        kubelet.scheduled(first, "node-a");
        kubelet.terminated(first, false, 3,
                "{\"outcome\":\"TemplateFilesMissing\",\"error\":\"template memory file /vmt/memory/pc.ram is missing on node node-a\"}");

        // only copy 0 starts over; copy 1 is as it was and the template stays Ready
        await().atMost(WAIT).untilAsserted(() -> {
            TemplateCopy copy0 = get("wiped").getStatus().copies().get(0);
            assertEquals(TemplatePhase.Pending, copy0.phase(), copy0.toString());
            assertNull(copy0.nodeName(), copy0.toString());
        });
        assertTrue(client.v1().events().inNamespace("default").list().getItems().stream().anyMatch(e -> e.getMessage()
                .startsWith("copy 0: clone c-wiped found this copy's files missing on node node-a")), "the Event says which copy and why");
        VmTemplate t = get("wiped");
        assertEquals(untouched, t.getStatus().copies().get(1));
        assertEquals(TemplatePhase.Ready, t.getStatus().phase());
        assertEquals(1, t.getStatus().readyNodes());

        // the clone starts again where a copy is Ready; the copy's new build goes where copy 1 is not
        await().atMost(WAIT).untilAsserted(() -> {
            Pod again = client.pods().inNamespace("default").withName("c-wiped-vm").get();
            assertTrue(again != null && !first.getMetadata().getUid().equals(again.getMetadata().getUid()), "a new clone pod");
            assertEquals(List.of(List.of("node-b")), again.getSpec().getAffinity().getNodeAffinity()
                    .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms().stream()
                    .map(x -> x.getMatchFields().get(0).getValues()).toList());
        });
        await().atMost(WAIT).untilAsserted(() -> {
            Pod rebuild = client.pods().inNamespace("default").withName("wiped-build-1").get();
            assertTrue(rebuild != null && !firstBuild.equals(rebuild.getMetadata().getUid()), "a new build pod for copy 0");
        });
        freeze(client.pods().inNamespace("default").withName("wiped-build-1").get(), "node-a");
        await().atMost(WAIT).until(() -> get("wiped").getStatus().readyNodes() == 2);
        assertEquals(untouched, get("wiped").getStatus().copies().get(1), "copy 1 never rebuilt");
    }

    @Test
    void clonesGoToTheNodesWithAReadyCopyAndTheirFilesLeaveEveryNode() {
        MockObjects.template(client, "spread", 3);
        freeze(MockObjects.pod(client, "spread-build-1"), "node-a");
        freeze(buildPod("spread-copy1-build-1", "node-a"), "node-b");
        await().atMost(WAIT).until(() -> get("spread").getStatus().readyNodes() == 2);
        client.resource(Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClone
                metadata: {name: c1, namespace: default}
                spec:
                  templateRef: {name: spread}
                  nodeSelector: {topology.kubernetes.io/zone: a}
                """, VmClone.class)).create();
        // no node with a Ready copy is in zone a: the clone waits without a pod, and says why
        await().atMost(WAIT).untilAsserted(() -> {
            VmClone waiting = client.resources(VmClone.class).inNamespace("default").withName("c1").get();
            Condition ready = waiting.getStatus().conditions().get(0);
            assertEquals(Conditions.REASON_NO_READY_COPY_SELECTED, ready.reason());
            assertEquals("spec.nodeSelector {topology.kubernetes.io/zone=a} matches none of the nodes with a Ready copy of"
                    + " VmTemplate spread (node-a, node-b); the clone starts once a copy is Ready on a node it selects", ready.message());
        });
        assertNull(client.pods().inNamespace("default").withName("c1-vm").get());
        client.nodes().withName("node-a").edit(n -> new NodeBuilder(n).editMetadata()
                .addToLabels("topology.kubernetes.io/zone", "a").endMetadata().build());
        Pod clone = MockObjects.pod(client, "c1-vm");
        assertNull(clone.getSpec().getNodeName(), "the scheduler places a clone of a template with several copies");
        // a term per node (ORed): the API server takes one value per metadata.name requirement
        var terms = clone.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms();
        assertEquals(List.of(List.of("node-a"), List.of("node-b")), terms.stream()
                .map(t -> t.getMatchFields().get(0).getValues()).toList());
        assertEquals("In", terms.get(0).getMatchFields().get(0).getOperator());
        assertEquals("a", clone.getSpec().getNodeSelector().get("topology.kubernetes.io/zone"));
        assertEquals("ScheduleAnyway", clone.getSpec().getTopologySpreadConstraints().get(0).getWhenUnsatisfiable());

        client.resource(get("spread")).delete();
        client.resources(VmClone.class).inNamespace("default").withName("c1").delete();
        // one cleanup pod per node that holds files: the copies' nodes, not the third copy's (never placed)
        Pod cleanupA = MockObjects.pod(client, "spread-cleanup");
        Pod cleanupB = MockObjects.pod(client, "spread-cleanup-1");
        assertEquals(List.of("node-a", "node-b"), List.of(cleanupA.getSpec().getNodeName(), cleanupB.getSpec().getNodeName()));
        kubelet.terminated(cleanupA, true, 0, "");
        kubelet.terminated(cleanupB, true, 0, "");
        await().atMost(WAIT).until(() -> get("spread") == null);
    }

}
