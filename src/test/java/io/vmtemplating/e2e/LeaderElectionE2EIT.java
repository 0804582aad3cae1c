package io.vmtemplating.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two operator replicas with leader election on the real control plane: the leader (the operator up.sh started) is
 * killed with SIGKILL while a template boots; the standby takes the Lease and finishes the build from the pod it finds,
 * creating no second one; then that replica, now the leader, is stopped with SIGTERM and hands the Lease to a third.
 * Runs just before the RBAC check (its Lease calls are in the audit log); the last standby stays as the cluster's
 * operator, registered with down.sh like any part.
 */
@Tag("qemu")
@Order(Integer.MAX_VALUE - 1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeaderElectionE2EIT {
    private static final String LEASE_NAMESPACE = "vmtemplating-system";
    private static final String LEASE = "vmtemplating-operator";
    private static final Duration LONG = Duration.ofMinutes(5);

    private static Optional<String> holder(KubernetesClient client) {
        Lease lease = client.leases().inNamespace(LEASE_NAMESPACE).withName(LEASE).get();
        return Optional.ofNullable(lease).map(l -> l.getSpec().getHolderIdentity());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    @Order(1)
    void theStandbyTakesOverWhenTheLeaderDiesDuringABuildAndCreatesNoSecondPod() throws Exception {
        KubernetesClient client = RealCluster.client();
        Path dir = RealCluster.dir();
        Path leaderPidFile = dir.resolve("pids/operator.pid"); // the operator up.sh started
        long leaderPid = pid(leaderPidFile);
        String leader = awaitHolder(client, leaderPid);
        Replica standby = startStandby(client, dir, "operator-2", leader);

        String ns = applyDemo("leader");
        awaitPhase(client, ns, TemplatePhase.Booting);
        List<String> buildPods = buildPods(client, ns);
        assertEquals(1, buildPods.size(), buildPods.toString());

        // the leader crashes mid-build: no Lease release, the standby waits for it to expire
        long killedAt = System.nanoTime();
        ProcessHandle.of(leaderPid).ifPresent(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
        Files.deleteIfExists(leaderPidFile); // its pid may be reused: down.sh must not signal it
        pointWebhookAt(standby, dir);
        awaitHolder(client, standby.process().pid());
        long takeoverMillis = (System.nanoTime() - killedAt) / 1_000_000;

        awaitPhase(client, ns, TemplatePhase.Ready);
        long readyMillis = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.printf("leader killed while the template booted: the standby held the Lease after %d ms, the template"
                + " was Ready %d ms after the kill; build pods: %s%n", takeoverMillis, readyMillis, buildPods(client, ns));
        assertEquals(buildPods, buildPods(client, ns), "the new leader created another build pod");
        assertNotEquals(TemplatePhase.Failed, client.resources(VmTemplate.class).inNamespace(ns).withName("demo").get().getStatus().phase());
    }

    /**
     * A rollout or a drain stops the leader with SIGTERM: it hands the Lease back as it exits (LeaseRelease), so the
     * standby takes over at its next retry instead of when the Lease expires. The leader here is the standby of the
     * test above; the new standby stays as the cluster's operator.
     */
    @Test
    @Order(2)
    void aLeaderStoppedGracefullyHandsTheLeaseToTheStandby() throws Exception {
        KubernetesClient client = RealCluster.client();
        Path dir = RealCluster.dir();
        Path leaderPidFile = dir.resolve("pids/operator-2.pid");
        long leaderPid = pid(leaderPidFile);
        String leader = awaitHolder(client, leaderPid);
        Replica standby = startStandby(client, dir, "operator-3", leader);
        pointWebhookAt(standby, dir);

        ProcessHandle leaderProcess = ProcessHandle.of(leaderPid).orElseThrow();
        long stoppedAt = System.nanoTime();
        leaderProcess.destroy(); // SIGTERM
        leaderProcess.onExit().get(2, TimeUnit.MINUTES);
        long exitedMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
        Files.deleteIfExists(leaderPidFile);
        // as the leader exits its Lease is already given back (a 1 s duration) or already the standby's, not held
        // for the 15 s a crashed leader's is
        Lease atExit = client.leases().inNamespace(LEASE_NAMESPACE).withName(LEASE).get();
        String holderAtExit = atExit.getSpec().getHolderIdentity();
        assertTrue(atExit.getSpec().getLeaseDurationSeconds() == 1 || holderAtExit.endsWith("-" + standby.process().pid()),
                "the stopped leader released the Lease: " + atExit.getSpec());

        String taker = awaitHolder(client, standby.process().pid());
        long takeoverMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
        System.out.printf("leader stopped with SIGTERM: it exited after %d ms, the standby (%s) held the Lease after %d ms%n",
                exitedMillis, taker, takeoverMillis);
        awaitPhase(client, applyDemo("handover"), TemplatePhase.Ready);
    }

    private static long pid(Path pidFile) throws Exception {
        return Long.parseLong(Files.readString(pidFile).strip());
    }

    /** The demo template applied in a new namespace; returns the namespace. */
    private static String applyDemo(String name) throws Exception {
        String ns = RealCluster.namespace(name);
        RealCluster.Result apply = RealCluster.kubectl("apply", "-n", ns, "-f", "samples/demo/template.yaml");
        assertEquals(0, apply.exitCode(), apply.output());
        return ns;
    }

    /** A replica started beside the leader; it waits, the Lease stays the leader's. */
    private static Replica startStandby(KubernetesClient client, Path dir, String name, String leader) throws Exception {
        Replica standby = startReplica(dir, name);
        assertEquals(Optional.of(leader), holder(client), "the standby waits");
        return standby;
    }

    private static void awaitPhase(KubernetesClient client, String ns, TemplatePhase phase) {
        await().atMost(LONG).pollInterval(Duration.ofMillis(200)).until(() -> {
            VmTemplate t = client.resources(VmTemplate.class).inNamespace(ns).withName("demo").get();
            return t.getStatus() != null && t.getStatus().phase() == phase;
        });
    }

    /** The Lease's holder once it is this process (an identity ends in "-" and the pid of an operator run as one). */
    private static String awaitHolder(KubernetesClient client, long pid) {
        return await().atMost(LONG).pollInterval(Duration.ofMillis(100)).until(() -> holder(client).orElse(""),
                h -> h.endsWith("-" + pid));
    }

    /** An operator replica as up.sh starts one: same ServiceAccount, its own ports, a part of the cluster for down.sh. */
    private record Replica(Process process, int httpsPort) {
    }

    private static Replica startReplica(Path dir, String name) throws Exception {
        int httpPort = freePort();
        int httpsPort = freePort();
        ProcessBuilder builder = new ProcessBuilder("setsid", Path.of("vmt").toAbsolutePath().toString(), "operator")
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs/" + name + ".log").toFile());
        builder.environment().putAll(Map.of("KUBECONFIG", dir.resolve("operator.kubeconfig").toString(),
                "QUARKUS_PROFILE", "cluster", "QUARKUS_HTTP_HOST", "127.0.0.1",
                "QUARKUS_HTTP_PORT", Integer.toString(httpPort), "QUARKUS_HTTP_SSL_PORT", Integer.toString(httpsPort),
                "QUARKUS_HTTP_SSL_CERTIFICATE_FILES", dir.resolve("pki/webhook.crt").toString(),
                "QUARKUS_HTTP_SSL_CERTIFICATE_KEY_FILES", dir.resolve("pki/webhook.key").toString()));
        Process process = builder.start();
        Files.writeString(dir.resolve("pids/" + name + ".pid"), process.pid() + "\n");
        Files.writeString(dir.resolve("pids/order"), name + "\n", StandardOpenOption.APPEND);
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(LONG).ignoreExceptions().until(() -> http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/q/health/live")).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode() == 200);
        return new Replica(process, httpsPort);
    }

    /** The webhook runs in every replica: the API server is pointed at this one's. */
    private static void pointWebhookAt(Replica replica, Path dir) throws Exception {
        String webhook = RealCluster.run(List.of("python3", "hack/cluster/webhook_config.py", "deploy/webhook.yaml",
                "https://127.0.0.1:" + replica.httpsPort(), dir.resolve("pki/ca.crt").toString()),
                Map.of("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"), "KUBECONFIG", RealCluster.kubeconfig().toString()), 60).stdout();
        Path webhookFile = dir.resolve("webhook-" + replica.process().pid() + ".json");
        Files.writeString(webhookFile, webhook, StandardCharsets.UTF_8);
        RealCluster.Result registered = RealCluster.kubectl("apply", "-f", webhookFile.toString());
        assertEquals(0, registered.exitCode(), registered.output());
    }

    /** name/uid of every build pod of the namespace: the same list before and after means no pod was replaced. */
    private static List<String> buildPods(KubernetesClient client, String ns) {
        return client.pods().inNamespace(ns).withLabel("vmtemplating.io/role", "template").list().getItems().stream()
                .map(Pod::getMetadata).map(m -> m.getName() + "/" + m.getUid()).sorted().toList();
    }
}
