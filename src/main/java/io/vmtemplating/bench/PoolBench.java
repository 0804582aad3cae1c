package io.vmtemplating.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmClonePool;
import io.vmtemplating.api.v1alpha1.VmClonePoolSpec;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.types.ClaimStatus;
import io.vmtemplating.api.v1alpha1.types.PoolTemplateRef;
import io.vmtemplating.local.LocalSession;
import io.vmtemplating.reconciler.LauncherClient;
import io.vmtemplating.reconciler.LauncherTokens;
import io.vmtemplating.reconciler.VmResources;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Warm pools with real QEMU (issue 16), through the local embedded API server or a real kube-apiserver: a pool of {@code size} members of the demo template,
 * claims one after another and then all at once, each timed from the VmClone's create to Running as the API server's
 * watch delivers it, the refill, the cold fallback of an empty pool, and what a paused member costs.
 */
final class PoolBench {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final String POOL = "bench-pool";

    /**
     * @param firstClaimMillis the operator's first claim (its claim path not yet compiled), created → Running (watch)
     * @param claimMillis   sequential claims after it, VmClone created → Running (watch)
     * @param burstMillis   claims created at once, each created → Running
     * @param paths         how each claim was served (Warm or Cold): the first, the sequential, the burst
     * @param memberPssMiB  QEMU PSS of each paused member
     */
    record Result(int size, long fillMillis, long firstClaimMillis, List<Long> claimMillis, List<Long> burstMillis, List<String> paths, long refillMillis,
            long fallbackMillis, List<Long> memberPssMiB, List<Long> operatorClaimMillis) {
    }

    private PoolBench() {
    }

    /** Against the local embedded API server (fabric8's mock with the webhook's rules) and the in-process local node. */
    static Result run(int size, PrintStream err) throws Exception {
        try (LocalSession session = LocalSession.start(err)) {
            return measure(session.cluster().client(), LocalSession.NAMESPACE, session.samples(), size, err);
        }
    }

    /**
     * Against a real kube-apiserver: `make cluster` (etcd, kube-apiserver, controller-manager, scheduler, the operator
     * as its own process, this machine as the local node) started in target/bench/pool-cluster and stopped however the
     * run ends. The same measurement: what differs is the API server the watches and writes go through.
     */
    static Result runOnRealApiServer(int size, PrintStream err) throws Exception {
        Path home = LocalSession.home();
        Path dir = home.resolve("target/bench/pool-cluster");
        BenchCluster cluster = new BenchCluster(home, Map.of("VMT_CLUSTER_DIR", dir.toString()), dir.resolve("bench.log"),
                BenchOptions.POOL_REAL_API, "make cluster", "");
        try (Teardown teardown = new Teardown(err)) {
            err.println("vmt bench: " + BenchOptions.POOL_REAL_API + ": starting a real control plane (make cluster) ...");
            try (KubernetesClient client = cluster.start(teardown).client()) {
                return measure(client, "default", home.resolve("samples"), size, err);
            }
        }
    }

    private static Result measure(KubernetesClient client, String ns, Path samples, int size, PrintStream err) throws Exception {
        VmTemplate template = (VmTemplate) LocalSession.read(List.of(samples.resolve("demo/template.yaml"))).get(0);
        template.getMetadata().setNamespace(ns);
        client.resource(template).create();
        await("template Ready", () -> {
            VmTemplate t = client.resources(VmTemplate.class).inNamespace(ns).withName("demo").get();
            return t != null && t.getStatus() != null && t.getStatus().phase() == TemplatePhase.Ready;
        });
        java.util.function.Function<String, VmClone> clone = name -> client.resources(VmClone.class).inNamespace(ns).withName(name).get();

        CloneWatch watch = CloneWatch.start(client, ns);
        Map<String, Long> runningAt = watch.runningAt();
        try {
            long fillStart = System.nanoTime();
            client.resource(pool(ns, size)).create();
            awaitReady(client, ns, size);
            long fill = millisSince(fillStart);
            err.printf("pool: %d members Ready in %d ms%n", size, fill);
            List<Long> memberPss = memberPss(client, ns);

            List<String> paths = new ArrayList<>();
            // the operator's first claim runs its claim path JIT-cold (the reconcile, the writes, the launcher call):
            // reported on its own, not one of the 20 that measure a settled operator
            SettledClaim first = claimOnSettledPool(client, ns, "first", size, runningAt);
            paths.add(first.claim().path());
            err.printf("pool: the operator's first claim, created → Running %d ms%n", first.millis());

            List<Long> sequential = new ArrayList<>();
            List<Long> operatorSide = new ArrayList<>();
            // one after another on a settled pool: each claim's VM is deleted and the pool back at full strength
            // before the next, so every claim meets the same machine (no refill or claimed guests running)
            for (int i = 1; i <= size; i++) {
                SettledClaim claim = claimOnSettledPool(client, ns, "seq-" + i, size, runningAt);
                sequential.add(claim.millis());
                paths.add(claim.claim().path());
                operatorSide.add(claim.claim().claimMillis());
            }
            err.printf("pool: %d claims one after another, created → Running %s ms (operator side %s ms; %s)%n", size,
                    sequential, operatorSide, paths);

            List<String> burstNames = new ArrayList<>();
            Map<String, Long> burstCreated = new ConcurrentHashMap<>();
            for (int i = 1; i <= size; i++) {
                String name = "burst-" + i;
                burstNames.add(name);
                burstCreated.put(name, System.nanoTime());
                client.resource(claim(ns, name)).create();
            }
            long burstStart = System.nanoTime();
            await("the burst Running", () -> burstNames.stream().allMatch(runningAt::containsKey));
            List<Long> burst = burstNames.stream().map(n -> (runningAt.get(n) - burstCreated.get(n)) / 1_000_000).toList();
            burstNames.forEach(n -> paths.add(clone.apply(n).getStatus().claim().path()));
            err.printf("pool: %d claims at once, created → Running %s ms%n", size, burst);
            // the burst took every member: the pool refills while the claimed VMs run
            awaitReady(client, ns, size);
            long refill = millisSince(burstStart);
            err.printf("pool: refilled to %d Ready %d ms after the burst began%n", size, refill);
            deleteClaims(client, ns);

            // as kubectl scale: no resourceVersion (a read-modify-write races the pool's status writes)
            client.resources(VmClonePool.class).inNamespace(ns).withName(POOL)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":0}}");
            await("pool emptied", () -> client.pods().inNamespace(ns).withLabel(VmResources.LABEL_POOL, POOL).list().getItems().isEmpty());
            long fallbackStart = System.nanoTime();
            client.resource(claim(ns, "fallback")).create();
            await("fallback Running", () -> runningAt.containsKey("fallback"));
            long fallback = (runningAt.get("fallback") - fallbackStart) / 1_000_000;
            err.printf("pool: empty pool, cold claim created → Running %d ms (%s)%n", fallback, clone.apply("fallback").getStatus().claim().path());
            deleteAll(client, ns);
            return new Result(size, fill, first.millis(), sequential, burst, paths, refill, fallback, memberPss, operatorSide);
        } finally {
            watch.close();
        }
    }

    private static VmClonePool pool(String ns, int size) {
        VmClonePool pool = Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClonePool
                metadata: {name: %s, namespace: %s}
                spec: {templateRef: {name: demo}}
                """.formatted(POOL, ns), VmClonePool.class);
        pool.setSpec(new VmClonePoolSpec(new PoolTemplateRef("demo"), size, null, null));
        return pool;
    }

    /** A claim's created → Running (watch) and how it was served. */
    private record SettledClaim(long millis, ClaimStatus claim) {
    }

    /** One claim, timed; then its VM deleted and the pool back at full strength, settled, for the next. */
    private static SettledClaim claimOnSettledPool(KubernetesClient client, String ns, String name, int size,
            Map<String, Long> runningAt) throws InterruptedException {
        long created = System.nanoTime();
        client.resource(claim(ns, name)).create();
        await(name + " Running", () -> runningAt.containsKey(name));
        long millis = (runningAt.get(name) - created) / 1_000_000;
        ClaimStatus claim = client.resources(VmClone.class).inNamespace(ns).withName(name).get().getStatus().claim();
        deleteClaims(client, ns);
        awaitReady(client, ns, size);
        Thread.sleep(500); // the new member's launcher settles (JIT, GC) before the next claim
        return new SettledClaim(millis, claim);
    }

    private static VmClone claim(String ns, String name) {
        return Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClone
                metadata: {name: %s, namespace: %s}
                spec: {poolRef: {name: %s}}
                """.formatted(name, ns, POOL), VmClone.class);
    }

    private static void awaitReady(KubernetesClient client, String ns, int size) throws InterruptedException {
        await("pool " + size + " Ready", () -> {
            VmClonePool pool = client.resources(VmClonePool.class).inNamespace(ns).withName(POOL).get();
            return pool.getStatus() != null && pool.getStatus().readyReplicas() != null && pool.getStatus().readyReplicas() >= size
                    && pool.getStatus().outdatedReplicas() == 0;
        });
    }

    /** A paused member's QEMU PSS, from each member launcher's /status. */
    private static List<Long> memberPss(KubernetesClient client, String ns) {
        LauncherClient launcher = new LauncherClient(new LauncherTokens(client));
        List<Long> pss = new ArrayList<>();
        for (Pod member : client.pods().inNamespace(ns).withLabel(VmResources.LABEL_POOL, POOL).list().getItems()) {
            JsonNode status = launcher.status(member).orElseThrow(() -> new IllegalStateException("member " + member.getMetadata().getName()
                    + " does not answer"));
            pss.add(status.path("memory").path("pssMiB").asLong());
        }
        return pss;
    }

    private static void deleteClaims(KubernetesClient client, String ns) throws InterruptedException {
        client.resources(VmClone.class).inNamespace(ns).list().getItems().forEach(c -> client.resource(c).delete());
        await("claims deleted", () -> client.resources(VmClone.class).inNamespace(ns).list().getItems().isEmpty()
                && client.pods().inNamespace(ns).withLabel(VmResources.LABEL_ROLE, VmResources.ROLE_CLONE).list().getItems().isEmpty());
    }

    /** The pool, the claims and the template, and every pod of theirs gone (a template's cleanup pod included). */
    private static void deleteAll(KubernetesClient client, String ns) throws InterruptedException {
        client.resources(VmClonePool.class).inNamespace(ns).withName(POOL).delete();
        deleteClaims(client, ns);
        client.resources(VmTemplate.class).inNamespace(ns).withName("demo").delete();
        await("template deleted", () -> client.resources(VmTemplate.class).inNamespace(ns).withName("demo").get() == null
                && client.pods().inNamespace(ns).list().getItems().isEmpty());
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void await(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": not within " + TIMEOUT.toMinutes() + " min");
            }
            Thread.sleep(5);
        }
    }
}
