package io.vmtemplating.reconciler;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.vmtemplating.api.v1alpha1.ClonePhase;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.VmTemplateStatus;
import io.vmtemplating.api.v1alpha1.types.Condition;
import io.vmtemplating.local.LocalCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reconcile never waits on a launcher: every call to one (status, pause, resume) is made off the reconcile threads,
 * and a clone still turns Running within a fraction of a second of its launcher restoring, before its pod is Ready.
 * The clone reconciler alone on fabric8's mock API server; a stand-in launcher; the test plays the kubelet.
 */
class NoLauncherCallInReconcileTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private LocalCluster cluster;
    private KubernetesClient client;
    private Operator operator;
    private RecordingLauncherClient launcherClient;

    /** Notes, for each call, whether a reconcile method is on the calling thread's stack. */
    static final class RecordingLauncherClient extends LauncherClient {
        final AtomicInteger calls = new AtomicInteger();
        final List<String> fromReconcile = new CopyOnWriteArrayList<>();

        RecordingLauncherClient(KubernetesClient client) {
            super(new LauncherTokens(client));
        }

        @Override
        public Optional<JsonNode> status(Pod pod) {
            note("status");
            return super.status(pod);
        }

        @Override
        public boolean post(Pod pod, String path) {
            note(path);
            return super.post(pod, path);
        }

        private void note(String call) {
            calls.incrementAndGet();
            boolean inReconcile = StackWalker.getInstance().walk(frames -> frames.anyMatch(f ->
                    (f.getClassName().equals(VmCloneReconciler.class.getName()) || f.getClassName().equals(VmTemplateReconciler.class.getName()))
                            && f.getMethodName().equals("reconcile")));
            if (inReconcile) {
                fromReconcile.add(call + " on " + Thread.currentThread().getName());
            }
        }
    }

    @BeforeEach
    void start() throws Exception {
        cluster = LocalCluster.apiServerOnly((object, old, lookup) -> List.of());
        client = cluster.client();
        launcherClient = new RecordingLauncherClient(client);
        operator = new Operator(o -> o.withKubernetesClient(client).withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false).withCloseClientOnStop(false));
        operator.register(new VmCloneReconciler(OperatorSettings.DEFAULTS, launcherClient, Clock.systemUTC()));
        operator.start();
    }

    @AfterEach
    void stop() {
        operator.stop();
        cluster.close();
    }

    private ClonePhase phase(String clone) {
        VmClone c = client.resources(VmClone.class).inNamespace("default").withName(clone).get();
        return c.getStatus() == null ? null : c.getStatus().phase();
    }

    @Test
    void launchersAreAskedOffTheReconcileThreadsAndARestoreShowsAtOnce() throws Exception {
        MockObjects.template(client, "t");
        String readySince = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        client.resources(VmTemplate.class).inNamespace("default").withName("t").editStatus(t -> {
            t.setStatus(new VmTemplateStatus(TemplatePhase.Ready, List.of(new Condition(Conditions.READY, Conditions.TRUE,
                    Conditions.REASON_FROZEN, "frozen", readySince, 1L)), 1L, "node-a", "t-build-1", null, "10.0.2", 6100L, 14L, 0, 0));
            return t;
        });
        MockObjects.clone(client, "c", "t");
        Pod pod = MockObjects.pod(client, "c-vm");

        try (StandInLauncher launcher = new StandInLauncher("127.0.0.79")) {
            launcher.state("restoring");
            new KubeletSimulator(client).running(pod, false, "127.0.0.79", launcher.portMap()); // started, not Ready
            await().atMost(WAIT).until(() -> phase("c") == ClonePhase.Restoring && launcherClient.calls.get() > 0);

            long restoredAt = System.nanoTime();
            launcher.state("running");
            await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> phase("c") == ClonePhase.Running);
            System.out.printf("clone Running %d ms after its launcher said so (pod not Ready; the early poll is every %d ms)%n",
                    (System.nanoTime() - restoredAt) / 1_000_000, VmCloneReconciler.EARLY_STATUS_POLL.toMillis());

            client.resources(VmClone.class).inNamespace("default").withName("c").edit(c -> {
                String yaml = Serialization.asYaml(c);
                return Serialization.unmarshal(yaml.contains("running: true") ? yaml.replace("running: true", "running: false")
                        : yaml.replace("templateRef:", "running: false\n  templateRef:"), VmClone.class);
            });
            await().atMost(WAIT).until(() -> phase("c") == ClonePhase.Paused);
            assertEquals(List.of("pause"), launcher.actions);
        }
        System.out.printf("%d launcher calls, %d from a reconcile%n", launcherClient.calls.get(), launcherClient.fromReconcile.size());
        assertTrue(launcherClient.fromReconcile.isEmpty(), "launcher calls made in reconcile: " + launcherClient.fromReconcile);
    }
}
