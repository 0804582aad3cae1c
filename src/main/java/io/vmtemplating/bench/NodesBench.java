package io.vmtemplating.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.types.TemplateCopy;
import io.vmtemplating.local.LocalSession;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A template on three nodes (issue 17): `make cluster NODES=3` (a real control plane, three local nodes, the operator)
 * started in target/bench/nodes-cluster and stopped however the run ends; samples/multi-node/template.yaml applied and
 * timed to its first Ready copy and to all three; then nine clones created at once, each timed from create to Running
 * as the watch delivers it, with the node the scheduler gave it.
 */
final class NodesBench {
    static final int NODES = 3;
    static final int CLONES = 9;
    private static final Duration TIMEOUT = Duration.ofMinutes(6);
    private static final String NS = "default";

    /** One clone: its node, the launcher's restore time and the time from its create to Running (watch). */
    record CloneSample(String node, long restoreMillis, long crToRunningMillis) {
    }

    /**
     * @param firstCopyMillis template created → its first copy Ready
     * @param allCopiesMillis template created → every copy Ready
     * @param bootMillis      each node's copy: QEMU start → freeze trigger
     */
    record Result(long firstCopyMillis, long allCopiesMillis, Map<String, Long> bootMillis, List<CloneSample> clones) {
        Map<String, List<CloneSample>> byNode() {
            Map<String, List<CloneSample>> byNode = new TreeMap<>();
            clones.forEach(c -> byNode.computeIfAbsent(c.node(), n -> new ArrayList<>()).add(c));
            return byNode;
        }
    }

    private NodesBench() {
    }

    static Result run(PrintStream err) throws Exception {
        Path home = LocalSession.home();
        Path dir = home.resolve("target/bench/nodes-cluster");
        Map<String, String> env = Map.of("VMT_CLUSTER_DIR", dir.toString(), "VMT_CLUSTER_NODES", Integer.toString(NODES));
        BenchCluster cluster = new BenchCluster(home, env, dir.resolve("bench.log"), "nodes", "make cluster NODES=" + NODES, "");
        try (Teardown teardown = new Teardown(err)) {
            err.println("vmt bench: nodes: starting a cluster of " + NODES + " local nodes (make cluster NODES=" + NODES + ") ...");
            try (KubernetesClient client = cluster.start(teardown).client()) {
                return measure(client, home, err);
            }
        }
    }

    private static Result measure(KubernetesClient client, Path home, PrintStream err) throws Exception {
        VmTemplate template = (VmTemplate) LocalSession.read(List.of(home.resolve("samples/multi-node/template.yaml"))).get(0);
        template.getMetadata().setNamespace(NS);
        long created = System.nanoTime();
        client.resource(template).create();
        String name = template.getMetadata().getName();
        long first = -1;
        while (true) {
            VmTemplate t = client.resources(VmTemplate.class).inNamespace(NS).withName(name).get();
            int ready = t.getStatus() == null || t.getStatus().readyNodes() == null ? 0 : t.getStatus().readyNodes();
            long now = System.nanoTime();
            if (ready >= 1 && first < 0) {
                first = now;
            }
            if (ready == NODES) {
                Map<String, Long> boots = new TreeMap<>();
                t.getStatus().copies().forEach((TemplateCopy c) -> boots.put(c.nodeName(), c.bootMillis()));
                err.println("vmt bench: nodes: " + NODES + " copies Ready in " + millis(created, now) + " ms");
                return new Result(millis(created, first), millis(created, now), boots, clones(client, name));
            }
            if (now - created > TIMEOUT.toNanos()) {
                throw new IllegalStateException("the template's " + NODES + " copies were not Ready within " + TIMEOUT.toMinutes()
                        + " min: " + t.getStatus());
            }
            Thread.sleep(100);
        }
    }

    /** {@link #CLONES} clones created at once, each timed to Running as the watch delivers it. */
    private static List<CloneSample> clones(KubernetesClient client, String template) throws Exception {
        Map<String, Long> createdAt = new ConcurrentHashMap<>();
        CloneWatch watch = CloneWatch.start(client, NS);
        Map<String, Long> runningAt = watch.runningAt();
        try {
            for (int i = 1; i <= CLONES; i++) {
                VmClone clone = new VmClone();
                clone.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("bench-" + i).withNamespace(NS).build());
                clone.setSpec(new io.vmtemplating.api.v1alpha1.VmCloneSpec(new io.vmtemplating.api.v1alpha1.types.TemplateRef(template),
                        true, null, null, null, null, null, null, null));
                createdAt.put("bench-" + i, System.nanoTime());
                client.resource(clone).create();
            }
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            // Running may come from the pod's readiness before the launcher's report carries the restore time: both
            while (runningAt.size() < CLONES || watch.restoreMillis().size() < CLONES) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(runningAt.size() + " of " + CLONES + " clones Running and "
                            + watch.restoreMillis().size() + " with their restore time reported after " + TIMEOUT.toMinutes() + " min");
                }
                Thread.sleep(50);
            }
        } finally {
            watch.close();
        }
        List<CloneSample> samples = new ArrayList<>();
        for (VmClone clone : client.resources(VmClone.class).inNamespace(NS).list().getItems()) {
            String n = clone.getMetadata().getName();
            samples.add(new CloneSample(clone.getStatus().nodeName(), watch.restoreMillis().get(n),
                    millis(createdAt.get(n), runningAt.get(n))));
        }
        return samples;
    }

    private static long millis(long from, long to) {
        return TimeUnit.NANOSECONDS.toMillis(to - from);
    }
}
