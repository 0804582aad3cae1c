package io.vmtemplating.reconciler;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.vmtemplating.PoolEdits;
import io.vmtemplating.api.v1alpha1.ClonePhase;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmClonePool;
import io.vmtemplating.api.v1alpha1.VmCloneStatus;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.types.ClaimStatus;
import io.vmtemplating.local.LocalCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator really restarted: the first instance stopped with its caches, a new one started on the same API
 * server (fabric8's mock, with the CRDs); and what one instance's claims and pools keep between them in memory. The
 * test plays the kubelet.
 */
class OperatorRestartTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String FROZEN = KubeletSimulator.FROZEN_RESULT;

    private LocalCluster cluster;
    private KubernetesClient client;
    private Operator operator;

    @BeforeEach
    void startApiServer() throws Exception {
        cluster = LocalCluster.apiServerOnly((object, old, lookup) -> List.of());
        client = cluster.client();
    }

    @AfterEach
    void stop() {
        if (operator != null) {
            operator.stop();
        }
        cluster.close();
    }

    private final RecentClaims recentClaims = new RecentClaims();

    private Operator startOperator() {
        return LocalCluster.startOperator(client, OperatorSettings.DEFAULTS, Metrics.NOOP, recentClaims);
    }

    private VmTemplate template(String name) {
        return MockObjects.template(client, name);
    }

    private void awaitPhase(String name, TemplatePhase phase) {
        await().atMost(WAIT).untilAsserted(() -> {
            VmTemplate t = client.resources(VmTemplate.class).inNamespace("default").withName(name).get();
            assertEquals(phase, t.getStatus() == null ? null : t.getStatus().phase(), () -> t.getStatus() + "; build pods " + buildPods());
        });
    }

    private List<String> buildPods() {
        return new KubeletSimulator(client).pods("default", VmResources.ROLE_TEMPLATE).stream()
                .map(p -> p.getMetadata().getName()).sorted().toList();
    }

    @Test
    void aRestartedOperatorAdoptsTheBuildPodInFlightAndCreatesNoOther() {
        KubeletSimulator kubelet = new KubeletSimulator(client);
        operator = startOperator();
        template("adopt");
        await().atMost(WAIT).until(() -> !buildPods().isEmpty());
        Pod pod = client.pods().inNamespace("default").withName("adopt-build-1").get();
        kubelet.scheduled(pod, "node-a");
        kubelet.running(pod, false, "10.0.0.7");
        awaitPhase("adopt", TemplatePhase.Booting);

        operator.stop(); // the first instance is gone, and its caches with it
        operator = startOperator(); // a new one learns everything from the API server: status Booting, one pod

        // a change only the new instance can act on; it reconciled the template at its start, before this
        kubelet.running(pod, true, "10.0.0.7");
        awaitPhase("adopt", TemplatePhase.Freezing);
        assertEquals(List.of("adopt-build-1"), buildPods(), "the restarted operator created another build pod");

        kubelet.terminated(pod, true, 0, FROZEN);
        awaitPhase("adopt", TemplatePhase.Ready);
        assertEquals(List.of("adopt-build-1"), buildPods());
    }

    /**
     * A warm claim's status names its member before the member is relabelled (PoolClaims): an operator that stopped
     * between the two leaves a Running claim whose pod is still labelled a pool member. The next operator finishes the
     * handover, and never hands that member to another claim meanwhile.
     */
    @Test
    void aRestartedOperatorFinishesAWarmHandoverCutShortAndGivesThatMemberToNoOtherClaim() {
        KubeletSimulator kubelet = new KubeletSimulator(client);
        operator = startOperator();
        VmTemplate template = readyPoolOfOne(kubelet);
        Pod member = kubelet.pods("default", VmResources.ROLE_POOL_MEMBER).get(0);
        operator.stop();

        // what the stopped operator left: the claim's status written, the relabel not
        String memberName = member.getMetadata().getName();
        VmClone cut = claim("cut");
        cut.setStatus(new VmCloneStatus(ClonePhase.Running, List.of(),
                cut.getMetadata().getGeneration(), "node-a", memberName, template.getMetadata().getUid(), null, null,
                new ClaimStatus("p", ClaimStatus.WARM, "warm", 12L),
                null));
        client.resource(cut).updateStatus();
        claim("next");
        operator = startOperator();

        await().atMost(WAIT).untilAsserted(() -> {
            Pod pod = client.pods().inNamespace("default").withName(memberName).get();
            assertEquals(VmResources.ROLE_CLONE, pod.getMetadata().getLabels().get(VmResources.LABEL_ROLE));
            assertEquals(List.of(cut.getMetadata().getUid()), pod.getMetadata().getOwnerReferences().stream()
                    .map(o -> o.getUid()).toList(), "the claim is its pod's only owner");
        });
        await().atMost(WAIT).untilAsserted(() -> {
            VmClone next = client.resources(VmClone.class).inNamespace("default").withName("next").get();
            assertEquals("Cold", next.getStatus() == null || next.getStatus().claim() == null ? null : next.getStatus().claim().path(),
                    () -> "the only member was cut's: " + next.getStatus());
            assertNotEquals(memberName, next.getStatus().podName());
        });
        VmClone after = client.resources(VmClone.class).inNamespace("default").withName("cut").get();
        assertEquals(memberName, after.getStatus().podName());
        assertNotEquals(ClonePhase.Failed, after.getStatus().phase(),
                () -> String.valueOf(after.getStatus()));
    }

    /** A claim names its member in its status before relabelling it: meanwhile no scale-down may take the member. */
    @Test
    void aPoolLeavesAMemberAClaimIsTakingAlone() throws InterruptedException {
        KubeletSimulator kubelet = new KubeletSimulator(client);
        operator = startOperator();
        readyPoolOfOne(kubelet);
        Pod member = kubelet.pods("default", VmResources.ROLE_POOL_MEMBER).get(0);
        recentClaims.members().reserve(member.getMetadata().getUid());

        PoolEdits.scale(client, "default", "p", 0);
        await().atMost(WAIT).until(() -> {
            var pool = client.resources(VmClonePool.class).inNamespace("default").withName("p").get();
            return pool.getStatus() != null && Integer.valueOf(0).equals(pool.getStatus().replicas());
        });
        Thread.sleep(1000); // a deletion would follow the status that no longer counts it
        Pod still = client.pods().inNamespace("default").withName(member.getMetadata().getName()).get();
        assertTrue(still != null && still.getMetadata().getDeletionTimestamp() == null,
                "the scale-down took the member a claim is taking");
    }

    /** Template "warm" frozen, pool "p" of it with one Ready member. */
    private VmTemplate readyPoolOfOne(KubeletSimulator kubelet) {
        VmTemplate template = template("warm");
        Pod build = MockObjects.pod(client, "warm-build-1");
        kubelet.scheduled(build, "node-a");
        kubelet.terminated(build, true, 0, FROZEN);
        awaitPhase("warm", TemplatePhase.Ready);
        client.resource(Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClonePool
                metadata: {name: p, namespace: default}
                spec: {templateRef: {name: warm}, replicas: 1}
                """, VmClonePool.class)).create();
        await().atMost(WAIT).until(() -> kubelet.pods("default", VmResources.ROLE_POOL_MEMBER).size() == 1);
        Pod member = kubelet.pods("default", VmResources.ROLE_POOL_MEMBER).get(0);
        kubelet.scheduled(member, "node-a");
        kubelet.running(member, true, "10.0.0.8");
        await().atMost(WAIT).until(() -> {
            var pool = client.resources(VmClonePool.class).inNamespace("default").withName("p").get();
            return pool.getStatus() != null && Integer.valueOf(1).equals(pool.getStatus().readyReplicas());
        });
        return template;
    }

    private VmClone claim(String name) {
        return client.resource(Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClone
                metadata: {name: %s, namespace: default}
                spec: {poolRef: {name: p}}
                """.formatted(name), VmClone.class)).create();
    }
}
