package io.vmtemplating.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.api.v1alpha1.ClonePhase;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmClonePool;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.types.ClaimStatus;
import io.vmtemplating.api.v1alpha1.types.Condition;
import io.vmtemplating.launcher.GuestFiles;
import io.vmtemplating.reconciler.VmResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Per-claim identity and data end to end with real QEMU and the test guest's qemu-guest-agent (issue 16, item 4):
 * samples/claim-data/ (a template declaring spec.claimData, a pool of one), claims naming a Secret served warm and
 * cold, what the guest received read back through its agent; a missing Secret, and claim data on a template that
 * takes none.
 */
@Tag("qemu")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClaimDataLocalIT {
    private static final Duration LONG = Duration.ofMinutes(5);
    private static final String DIR = "/run/vmtemplating";
    private static LocalSession session;
    private static KubernetesClient client;
    private static String ns;

    @BeforeAll
    static void startWithAPool() throws Exception {
        session = LocalSession.start(System.err, io.vmtemplating.launcher.LauncherJvm.entrypoint());
        client = session.cluster().client();
        ns = LocalSession.NAMESPACE;
        session.apply(LocalSession.read(List.of(session.samples().resolve("claim-data/template.yaml"),
                session.samples().resolve("claim-data/pool.yaml"))), System.out, System.err);
        await().atMost(LONG).pollInterval(Duration.ofSeconds(1)).until(() -> LocalSession.settled(session.template("demo-claim-data")));
        assertEquals(TemplatePhase.Ready, session.template("demo-claim-data").getStatus().phase(),
                () -> String.valueOf(session.template("demo-claim-data").getStatus()));
        awaitReadyMembers(1);
    }

    @AfterAll
    static void stop() {
        if (session != null) {
            session.close();
        }
    }

    private static void awaitReadyMembers(int ready) {
        await().atMost(LONG).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            VmClonePool pool = client.resources(VmClonePool.class).inNamespace(ns).withName("demo-claim-data").get();
            assertEquals(ready, pool.getStatus() == null ? null : pool.getStatus().readyReplicas(), () -> String.valueOf(pool.getStatus()));
        });
    }

    private static void secret(String name, Map<String, String> data) {
        client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
                .withStringData(data).build()).create();
    }

    private static VmClone claim(String name, String secret) {
        return client.resource(Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClone
                metadata: {name: %s, namespace: %s}
                spec:
                  poolRef: {name: demo-claim-data}
                  claimData: {secretRef: {name: %s}}
                """.formatted(name, ns, secret), VmClone.class)).create();
    }

    private static VmClone awaitClone(String name, ClonePhase phase) {
        await().atMost(LONG).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            VmClone clone = session.clone(name);
            assertEquals(phase, clone.getStatus() == null ? null : clone.getStatus().phase(), () -> String.valueOf(clone.getStatus()));
        });
        return session.clone(name);
    }

    private static Condition condition(VmClone clone, String type) {
        return clone.getStatus().conditions().stream().filter(c -> c.type().equals(type)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " in " + clone.getStatus()));
    }

    /** The clone's launcher run directory on the local node (it holds the guest agent's socket). */
    private static Path runDir(VmClone clone) throws Exception {
        Path nodeRoot = Path.of("/dev/shm").resolve("vmt-local-" + ProcessHandle.current().pid()).resolve("node");
        try (Stream<Path> pods = Files.list(nodeRoot.resolve("pods"))) {
            return pods.filter(p -> p.getFileName().toString().startsWith(clone.getStatus().podName() + "_"))
                    .map(p -> p.resolve("volumes/run")).findFirst().orElseThrow();
        }
    }

    /** Creates the claim and times it from the create call to the first watch event showing it Running. */
    private static long claimAndTime(String name, String secret) throws Exception {
        CompletableFuture<Long> running = new CompletableFuture<>();
        long[] start = new long[1];
        try (Watch watch = client.resources(VmClone.class).inNamespace(ns).withName(name).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, VmClone clone) {
                if (clone.getStatus() != null && clone.getStatus().conditions() != null) {
                    // where the time goes: each status the watch shows, with its Ready reason
                    System.out.println("[claim-data] " + name + " +" + (System.nanoTime() - start[0]) / 1_000_000 + " ms "
                            + clone.getStatus().phase() + " " + clone.getStatus().conditions().get(0).reason());
                }
                if (clone.getStatus() != null && clone.getStatus().phase() == ClonePhase.Running) {
                    running.complete((System.nanoTime() - start[0]) / 1_000_000);
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            start[0] = System.nanoTime();
            claim(name, secret);
            return running.get(LONG.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(1)
    void aWarmClaimsGuestReceivesItsNameNamespaceAndSecret() throws Exception {
        secret("app-creds", Map.of("greeting", "hello", "token", "t0ps3cret"));
        long millis = claimAndTime("warm-1", "app-creds");
        VmClone claim = awaitClone("warm-1", ClonePhase.Running);
        assertEquals(ClaimStatus.WARM, claim.getStatus().claim().path());
        Condition delivered = condition(claim, Conditions.CLAIM_DATA_DELIVERED);
        assertEquals(List.of(Conditions.TRUE, Conditions.REASON_DELIVERED), List.of(delivered.status(), delivered.reason()), delivered.message());
        assertEquals(Conditions.TRUE, condition(claim, Conditions.READY).status());
        assertEquals(6, claim.getStatus().claimData().files());
        assertEquals(DIR, claim.getStatus().claimData().directory());

        Path run = runDir(claim);
        assertEquals("warm-1\n", GuestFiles.read(run, DIR + "/name"));
        assertEquals(ns + "\n", GuestFiles.read(run, DIR + "/namespace"));
        assertEquals(claim.getMetadata().getUid() + "\n", GuestFiles.read(run, DIR + "/uid"));
        assertEquals("hello", GuestFiles.read(run, DIR + "/data/greeting"));
        assertEquals("t0ps3cret", GuestFiles.read(run, DIR + "/data/token"));
        System.out.println("[claim-data] warm claim created -> Running (watch) " + millis + " ms; operator claim "
                + claim.getStatus().claim().claimMillis() + " ms; guest agent delivery " + claim.getStatus().claimData().deliveryMillis() + " ms");
        awaitReadyMembers(1);
    }

    @Test
    @Order(2)
    void aMissingSecretLeavesTheClaimPendingAndTakesNoMember() throws Exception {
        String member = client.pods().inNamespace(ns).withLabel(VmResources.LABEL_POOL, "demo-claim-data").list().getItems()
                .stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).findFirst().orElseThrow().getMetadata().getName();
        claim("waits", "later-creds");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            VmClone clone = session.clone("waits");
            assertEquals(ClonePhase.Pending, clone.getStatus() == null ? null : clone.getStatus().phase());
            Condition c = condition(clone, Conditions.CLAIM_DATA_DELIVERED);
            assertEquals(List.of(Conditions.FALSE, Conditions.REASON_SECRET_NOT_FOUND), List.of(c.status(), c.reason()));
            assertEquals("spec.claimData.secretRef.name: Secret later-creds does not exist in namespace " + ns
                    + "; create it (the clone waits for it and checks again every 5 s), or recreate the VmClone without"
                    + " spec.claimData", c.message());
            assertEquals(c.message(), condition(clone, Conditions.READY).message());
        });
        Pod stillAMember = client.pods().inNamespace(ns).withName(member).get();
        assertEquals("demo-claim-data", stillAMember.getMetadata().getLabels().get(VmResources.LABEL_POOL), "nothing taken from the pool");

        secret("later-creds", Map.of("greeting", "late"));
        VmClone served = awaitClone("waits", ClonePhase.Running);
        assertEquals(Conditions.TRUE, condition(served, Conditions.CLAIM_DATA_DELIVERED).status());
        assertEquals("late", GuestFiles.read(runDir(served), DIR + "/data/greeting"));
    }

    @Test
    @Order(3)
    void aColdClaimGetsTheSameData() throws Exception {
        io.vmtemplating.PoolEdits.scale(client, ns, "demo-claim-data", 0);
        await().atMost(LONG).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> assertEquals(List.of(),
                client.pods().inNamespace(ns).withLabel(VmResources.LABEL_POOL, "demo-claim-data").list().getItems().stream()
                        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                        .map(p -> p.getMetadata().getName() + " " + p.getMetadata().getLabels() + " " + p.getStatus().getPhase()).toList(),
                () -> "members left after scaling to 0; pool " + client.resources(VmClonePool.class).inNamespace(ns)
                        .withName("demo-claim-data").get().getStatus()));
        long millis = claimAndTime("cold-1", "app-creds");
        VmClone cold = awaitClone("cold-1", ClonePhase.Running);
        assertEquals(ClaimStatus.COLD, cold.getStatus().claim().path());
        assertEquals(Conditions.TRUE, condition(cold, Conditions.CLAIM_DATA_DELIVERED).status());
        Path run = runDir(cold);
        assertEquals("cold-1\n", GuestFiles.read(run, DIR + "/name"));
        assertEquals("hello", GuestFiles.read(run, DIR + "/data/greeting"));
        System.out.println("[claim-data] cold claim created -> Running (watch) " + millis + " ms; guest agent delivery "
                + cold.getStatus().claimData().deliveryMillis() + " ms");
    }

    @Test
    @Order(4)
    void claimDataOnATemplateWithoutAGuestAgentIsRefusedAtAdmission() throws Exception {
        VmTemplate plain = LocalSession.read(List.of(session.samples().resolve("demo/template.yaml"))).stream()
                .map(VmTemplate.class::cast).findFirst().orElseThrow();
        plain.getMetadata().setName("plain");
        plain.getMetadata().setNamespace(ns);
        client.resource(plain).create();
        try {
            VmClone withData = Serialization.unmarshal("""
                    apiVersion: vmtemplating.io/v1alpha1
                    kind: VmClone
                    metadata: {name: plain-1, namespace: %s}
                    spec:
                      templateRef: {name: plain}
                      claimData: {secretRef: {name: app-creds}}
                    """.formatted(ns), VmClone.class);
            // the webhook reads templates from a watch-fed cache: the template just created may need a moment there
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                try {
                    client.resource(withData).create();
                    client.resource(withData).withGracePeriod(0).delete();
                    throw new AssertionError("admitted before the webhook saw the template");
                } catch (KubernetesClientException refused) {
                    assertTrue(refused.getMessage().contains("spec.claimData: VmTemplate plain declares no spec.claimData: its guest"
                            + " has no guest agent to receive the data; remove spec.claimData or use a template that sets"
                            + " spec.claimData.directory"), refused.getMessage());
                }
            });
        } finally {
            client.resources(VmTemplate.class).inNamespace(ns).withName("plain").delete();
        }
    }
}
