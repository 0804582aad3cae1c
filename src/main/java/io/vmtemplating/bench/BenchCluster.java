package io.vmtemplating.bench;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A cluster a bench part starts itself with hack/cluster/up.sh (`make cluster` with the part's settings) and stops
 * with hack/cluster/down.sh on every way out, SIGINT and SIGTERM included ({@link Teardown}).
 *
 * @param what  how a user starts the same cluster, for messages ("make cluster NODE=kubelet")
 * @param needs what the machine must have when up.sh fails ("" when nothing special)
 */
record BenchCluster(Path home, Map<String, String> env, Path log, String part, String what, String needs) {

    /** A client of the started cluster and how long up.sh took. */
    record Started(KubernetesClient client, long upMillis) {
    }

    /** Starts it; the stop is registered first, so a start that fails half way, or a signal during it, stops what it started. */
    Started start(Teardown teardown) throws Exception {
        teardown.add("stopping " + what + " (hack/cluster/down.sh)", () -> script("down.sh"));
        long start = System.nanoTime();
        String kubeconfig = script("up.sh").lines().reduce((a, b) -> b).orElseThrow().strip();
        long upMillis = (System.nanoTime() - start) / 1_000_000;
        Config config = Config.fromKubeconfig(null, Files.readString(Path.of(kubeconfig)), kubeconfig);
        return new Started(new KubernetesClientBuilder().withConfig(config).build(), upMillis);
    }

    /** A script of hack/cluster/ with this cluster's settings. @return its stdout */
    private String script(String name) throws IOException, InterruptedException, BadBenchInput {
        return new BenchScript(home, log, part).run("hack/cluster/" + name, List.of(), env, what, needs, null);
    }
}
