package io.vmtemplating.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.local.LocalSession;
import io.vmtemplating.reconciler.VmResources;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Clones through a real kubelet (issue 14): `make cluster NODE=kubelet` started in target/bench/kubelet-cluster
 * (hack/cluster/up.sh: kubelet, containerd, kube-proxy, the operator installed from deploy/ as a Deployment), the demo
 * template, then VmClone created → Running as the API server's watch delivers it: one clone at a time, then
 * {@code burst} at once. The cluster is stopped (hack/cluster/down.sh) on every way out, SIGINT and SIGTERM included.
 */
final class KubeletBench {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final String NAMESPACE = "bench-kubelet";
    /** A map the watch fills: looked at often, it costs nothing. */
    private static final Duration WATCH_POLL = Duration.ofMillis(5);
    /** How long the launchers' restore times may trail the clones' Running status. */
    private static final Duration RESTORE_TIME_WAIT = Duration.ofSeconds(30);
    /** A question to the API server: not in a tight loop on two shared cores. */
    private static final Duration API_POLL = Duration.ofMillis(250);

    /**
     * @param singleMillis  clones one at a time (each deleted, its pod gone, before the next), created → Running
     * @param burstMillis   clones created at once, each created → Running
     * @param restoreMillis the launchers' own restore times (status.restoreMillis) of the singles, then the burst
     */
    record Result(long clusterUpMillis, long templateReadyMillis, List<Long> singleMillis, List<Long> burstMillis,
            List<Long> restoreMillis) {
    }

    private KubeletBench() {
    }

    static Result run(int singles, int burst, Path dir, PrintStream err) throws Exception {
        Path home = LocalSession.home();
        Path clusterDir = dir.resolve("kubelet-cluster");
        Map<String, String> env = Map.of("VMT_CLUSTER_DIR", clusterDir.toString(), "VMT_CLUSTER_NODE", "kubelet");
        BenchCluster cluster = new BenchCluster(home, env, dir.resolve("kubelet-cluster.log"), "kubelet", "make cluster NODE=kubelet",
                "root, Debian's containerd and the image make image builds");
        try (Teardown teardown = new Teardown(err)) {
            err.println("kubelet: starting make cluster NODE=kubelet in " + clusterDir + " (log: " + dir.resolve("kubelet-cluster.log") + ") ...");
            BenchCluster.Started started = cluster.start(teardown);
            err.printf("kubelet: cluster up, operator installed from deploy/, in %d s%n", started.upMillis() / 1000);
            try (KubernetesClient client = started.client()) {
                return measure(client, home, singles, burst, started.upMillis(), err);
            }
        }
    }

    private static Result measure(KubernetesClient client, Path home, int singles, int burst, long upMillis, PrintStream err)
            throws Exception {
        // QEMU runs privileged in its pod (docs/security.md)
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                .addToLabels("pod-security.kubernetes.io/enforce", "privileged").endMetadata().build()).create();
        VmTemplate template = (VmTemplate) LocalSession.read(List.of(home.resolve("samples/demo/template.yaml"))).get(0);
        template.getMetadata().setNamespace(NAMESPACE);
        long templateStart = System.nanoTime();
        client.resource(template).create();
        await("template demo Ready", API_POLL, () -> {
            VmTemplate t = client.resources(VmTemplate.class).inNamespace(NAMESPACE).withName("demo").get();
            return t != null && t.getStatus() != null && t.getStatus().phase() == TemplatePhase.Ready;
        });
        long templateMillis = millisSince(templateStart);
        err.printf("kubelet: template demo Ready %d ms after its create%n", templateMillis);

        CloneWatch watch = CloneWatch.start(client, NAMESPACE);
        Map<String, Long> runningAt = watch.runningAt();
        Map<String, Long> restoreMillis = watch.restoreMillis();
        try {
            List<Long> single = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= singles; i++) {
                String name = "single-" + i;
                names.add(name);
                long created = System.nanoTime();
                client.resource(clone(name)).create();
                await(name + " Running", WATCH_POLL, () -> runningAt.containsKey(name));
                single.add((runningAt.get(name) - created) / 1_000_000);
                awaitRestoreTimes(List.of(name), restoreMillis);
                deleteClones(client);
            }
            err.printf("kubelet: %d clones one at a time, created → Running %s ms%n", singles, single);

            List<String> burstNames = new ArrayList<>();
            Map<String, Long> burstCreated = new ConcurrentHashMap<>();
            for (int i = 1; i <= burst; i++) {
                String name = "burst-" + i;
                burstNames.add(name);
                burstCreated.put(name, System.nanoTime());
                client.resource(clone(name)).create();
            }
            await("the " + burst + " clones Running", WATCH_POLL, () -> burstNames.stream().allMatch(runningAt::containsKey));
            List<Long> bursts = burstNames.stream().map(n -> (runningAt.get(n) - burstCreated.get(n)) / 1_000_000).toList();
            names.addAll(burstNames);
            err.printf("kubelet: %d clones at once, created → Running %s ms%n", burst, bursts);
            awaitRestoreTimes(burstNames, restoreMillis);
            // the launchers' own restore time (-1: not in the clone's status within the wait)
            List<Long> restores = names.stream().map(n -> restoreMillis.getOrDefault(n, -1L)).toList();
            deleteClones(client);
            return new Result(upMillis, templateMillis, single, bursts, restores);
        } finally {
            watch.close();
        }
    }

    private static VmClone clone(String name) {
        return Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClone
                metadata: {name: %s, namespace: %s}
                spec: {templateRef: {name: demo}}
                """.formatted(name, NAMESPACE), VmClone.class);
    }

    /** A detail, not a figure: a status update that never carries it costs the run a few seconds, not its result. */
    private static void awaitRestoreTimes(List<String> names, Map<String, Long> restoreMillis) throws InterruptedException {
        long deadline = System.nanoTime() + RESTORE_TIME_WAIT.toNanos();
        while (!restoreMillis.keySet().containsAll(names) && System.nanoTime() < deadline) {
            Thread.sleep(WATCH_POLL.toMillis());
        }
    }

    /** Every clone deleted and its pod gone (the kubelet stopped QEMU): the next clone meets a quiet node. */
    private static void deleteClones(KubernetesClient client) throws InterruptedException {
        client.resources(VmClone.class).inNamespace(NAMESPACE).list().getItems().forEach(c -> client.resource(c).delete());
        await("clones and their pods gone", API_POLL, () -> client.resources(VmClone.class).inNamespace(NAMESPACE).list().getItems().isEmpty()
                && client.pods().inNamespace(NAMESPACE).withLabel(VmResources.LABEL_ROLE, VmResources.ROLE_CLONE).list().getItems().isEmpty());
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void await(String what, Duration poll, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": not within " + TIMEOUT.toMinutes() + " min");
            }
            Thread.sleep(poll.toMillis());
        }
    }
}
