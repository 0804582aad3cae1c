package io.vmtemplating.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.api.v1alpha1.ClonePhase;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmClonePool;
import io.vmtemplating.api.v1alpha1.VmClonePoolSpec;
import io.vmtemplating.api.v1alpha1.VmClonePoolStatus;
import io.vmtemplating.api.v1alpha1.types.PoolTemplateRef;
import io.vmtemplating.gitops.ArgoHealth;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.types.ClaimStatus;
import io.vmtemplating.reconciler.LauncherClient;
import io.vmtemplating.reconciler.LauncherTokens;
import io.vmtemplating.reconciler.VmResources;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Warm pools end to end with real QEMU (issue 16): members restored and paused, claims handed a member and resumed,
 * the pool refilled, the cold path when it is empty, a rollout to another template, members removed with their
 * template. The embedded API server with admission, the operator's reconcilers, the local node.
 */
@Tag("qemu")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoolLocalIT {
    private static final Duration LONG = Duration.ofMinutes(5);
    private static LocalSession session;
    private static KubernetesClient client;
    private static String ns;

    @BeforeAll
    static void startWithATemplate() throws Exception {
        session = LocalSession.start(System.err, io.vmtemplating.launcher.LauncherJvm.entrypoint());
        client = session.cluster().client();
        ns = LocalSession.NAMESPACE;
        List<HasMetadata> template = LocalSession.read(List.of(session.samples().resolve("demo/template.yaml")));
        session.apply(template, System.out, System.err);
        awaitTemplateReady("demo");
    }

    @AfterAll
    static void stop() {
        if (session != null) {
            session.close();
        }
    }

    private static void awaitTemplateReady(String name) {
        await().atMost(LONG).pollInterval(Duration.ofSeconds(1)).until(() -> LocalSession.settled(session.template(name)));
        assertEquals(TemplatePhase.Ready, session.template(name).getStatus().phase(), () -> String.valueOf(session.template(name).getStatus()));
    }

    private static VmClonePool pool(String name) {
        return client.resources(VmClonePool.class).inNamespace(ns).withName(name).get();
    }

    private static VmClonePoolStatus awaitPool(String name, int ready, int outdated) {
        await().atMost(LONG).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            VmClonePoolStatus status = pool(name).getStatus();
            assertEquals(List.of(ready, ready, outdated), status == null ? null
                    : List.of(status.replicas(), status.readyReplicas(), status.outdatedReplicas()), String.valueOf(status));
        });
        return pool(name).getStatus();
    }

    private static List<Pod> members(String pool) {
        return client.pods().inNamespace(ns).withLabel(VmResources.LABEL_POOL, pool).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private static void edit(String pool, java.util.function.UnaryOperator<VmClonePoolSpec> change) {
        VmClonePool changed = io.vmtemplating.PoolEdits.change(client, ns, pool, change);
        assertEquals(change.apply(changed.getSpec()), changed.getSpec(), "the edit was stored");
    }

    private static VmClone claim(String name, String pool, Boolean running) {
        return client.resource(Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClone
                metadata: {name: %s, namespace: %s}
                spec:
                  poolRef: {name: %s}
                %s""".formatted(name, ns, pool, running == null ? "" : "  running: " + running), VmClone.class)).create();
    }

    private static VmClone awaitClone(String name, ClonePhase phase) {
        await().atMost(LONG).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            VmClone clone = session.clone(name);
            assertEquals(phase, clone.getStatus() == null ? null : clone.getStatus().phase(), () -> String.valueOf(clone.getStatus()));
        });
        return session.clone(name);
    }

    private static String guestState(VmClone clone) {
        Pod pod = client.pods().inNamespace(ns).withName(clone.getStatus().podName()).get();
        return new LauncherClient(new LauncherTokens(client)).status(pod).orElseThrow().path("state").asText();
    }

    @Test
    @Order(1)
    void membersWaitRestoredAndPausedAndAClaimGetsOneResumed() throws Exception {
        session.apply(LocalSession.read(List.of(session.samples().resolve("pool/pool.yaml"))), System.out, System.err);
        VmClonePoolStatus status = awaitPool("demo-warm", 2, 0);
        assertEquals(session.template("demo").getMetadata().getUid(), status.templateUid());
        assertEquals("app.kubernetes.io/managed-by=vmtemplating-operator,vmtemplating.io/role=pool-member,vmtemplating.io/pool=demo-warm",
                status.selector());
        Set<String> warm = members("demo-warm").stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
        for (Pod member : members("demo-warm")) {
            assertEquals("paused", new LauncherClient(new LauncherTokens(client)).status(member).orElseThrow().path("state").asText(),
                    "a warm member waits paused: it runs no guest instruction until claimed");
        }

        session.apply(LocalSession.read(List.of(session.samples().resolve("pool/claim.yaml"))), System.out, System.err);
        VmClone claim = awaitClone("demo-claim-1", ClonePhase.Running);
        ClaimStatus served = claim.getStatus().claim();
        assertEquals(List.of("demo-warm", ClaimStatus.WARM, "demo"), List.of(served.pool(), served.path(), served.template()));
        assertTrue(warm.contains(claim.getStatus().podName()), "the claim runs in a member: " + claim.getStatus().podName());
        assertEquals("running", guestState(claim));
        Pod adopted = client.pods().inNamespace(ns).withName(claim.getStatus().podName()).get();
        assertEquals(claim.getMetadata().getUid(), adopted.getMetadata().getOwnerReferences().get(0).getUid());
        assertEquals("clone", adopted.getMetadata().getLabels().get(VmResources.LABEL_ROLE));
        System.out.println("[pool] warm claim served in " + served.claimMillis() + " ms (operator side)");
        // what Argo CD shows for these live objects (deploy/argocd)
        assertEquals(new ArgoHealth.Health("Healthy", "Running: the guest is running (claimed from VmClonePool demo-warm, Warm)"),
                ArgoHealth.of(session.clone("demo-claim-1")));

        // the pool refills behind the claim, with a new member
        awaitPool("demo-warm", 2, 0);
        assertEquals("Healthy", ArgoHealth.of(pool("demo-warm")).status());
        assertTrue(members("demo-warm").stream().noneMatch(p -> p.getMetadata().getName().equals(claim.getStatus().podName())));
    }

    @Test
    @Order(2)
    void twoClaimsAtOnceNeverShareAMemberAndAPausedClaimStaysPaused() {
        claim("race-a", "demo-warm", null);
        claim("race-b", "demo-warm", false);
        VmClone a = awaitClone("race-a", ClonePhase.Running);
        VmClone b = awaitClone("race-b", ClonePhase.Paused);
        assertNotEquals(a.getStatus().podName(), b.getStatus().podName());
        assertEquals("paused", guestState(b));
        assertEquals(new ArgoHealth.Health("Suspended", "Paused: the guest is paused (spec.running is false)"), ArgoHealth.of(b));
        awaitPool("demo-warm", 2, 0);
    }

    @Test
    @Order(3)
    void anEmptyPoolFallsBackToTheColdPath() {
        edit("demo-warm", spec -> new VmClonePoolSpec(spec.templateRef(), 0, spec.memory(), spec.portForwards()));
        await().atMost(LONG).until(() -> members("demo-warm").isEmpty());
        claim("cold-1", "demo-warm", null);
        VmClone cold = awaitClone("cold-1", ClonePhase.Running);
        assertEquals(ClaimStatus.COLD, cold.getStatus().claim().path());
        assertEquals("cold-1-vm", cold.getStatus().podName());
        assertEquals("running", guestState(cold));
    }

    @Test
    @Order(4)
    void aNewTemplateRollsTheMembersOverAndLaterClaimsGetOnlyNewOnes() throws Exception {
        VmTemplate second = LocalSession.read(List.of(session.samples().resolve("demo/template.yaml"))).stream()
                .map(VmTemplate.class::cast).findFirst().orElseThrow();
        second.getMetadata().setName("demo-v2");
        session.apply(List.of(second), System.out, System.err);
        awaitTemplateReady("demo-v2");
        String v2 = session.template("demo-v2").getMetadata().getUid();

        edit("demo-warm", spec -> new VmClonePoolSpec(spec.templateRef(), 2, spec.memory(), spec.portForwards()));
        awaitPool("demo-warm", 2, 0);
        edit("demo-warm", spec -> new VmClonePoolSpec(new PoolTemplateRef("demo-v2"), spec.replicas(), spec.memory(), spec.portForwards()));
        // a claim made right after the change: never a member of the old template
        claim("after-rollout", "demo-warm", null);
        VmClone after = awaitClone("after-rollout", ClonePhase.Running);
        assertEquals("demo-v2", after.getStatus().claim().template());
        assertEquals(v2, after.getStatus().templateUid());

        VmClonePoolStatus status = awaitPool("demo-warm", 2, 0);
        assertEquals(v2, status.templateUid());
        assertTrue(members("demo-warm").stream().allMatch(p -> v2.equals(p.getMetadata().getLabels().get(VmResources.LABEL_TEMPLATE_UID))));
    }

    @Test
    @Order(5)
    void aClaimOnAMissingPoolIsRefusedAtAdmission() {
        KubernetesClientException refused = org.junit.jupiter.api.Assertions.assertThrows(KubernetesClientException.class,
                () -> claim("nowhere", "no-such-pool", null));
        assertTrue(refused.getMessage().contains("spec.poolRef.name: VmClonePool no-such-pool does not exist in namespace " + ns),
                refused.getMessage());
    }

    @Test
    @Order(6)
    void membersOfADeletedTemplateAreRemoved() {
        client.resources(VmClone.class).inNamespace(ns).list().getItems().stream()
                .filter(c -> "demo-v2".equals(c.getStatus() == null || c.getStatus().claim() == null ? null : c.getStatus().claim().template()))
                .forEach(c -> client.resource(c).delete());
        client.resources(VmTemplate.class).inNamespace(ns).withName("demo-v2").delete();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(List.of(), members("demo-warm").stream()
                .map(p -> p.getMetadata().getName() + " " + p.getMetadata().getLabels() + " " + p.getStatus().getPhase()).toList(),
                () -> "pool: " + pool("demo-warm").getStatus() + " template: " + session.template("demo-v2")));
        await().atMost(LONG).untilAsserted(() -> assertEquals("TemplateNotFound",
                pool("demo-warm").getStatus().conditions().get(0).reason(), () -> String.valueOf(pool("demo-warm").getStatus())));
        assertEquals("Progressing", ArgoHealth.of(pool("demo-warm")).status());
    }
}
