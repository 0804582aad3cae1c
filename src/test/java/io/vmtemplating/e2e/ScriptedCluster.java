package io.vmtemplating.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A cluster of one test class: hack/cluster/up.sh with the given environment in its own directory under target/,
 * stopped by close() and, if the JVM ends first, by a shutdown hook. The shared one is {@link RealCluster}.
 */
class ScriptedCluster implements AutoCloseable {
    protected final Path dir;
    protected final Path kubeconfig;
    protected final KubernetesClient client;
    private final Map<String, String> env;
    private final Thread stopOnExit;

    /** @param what names the cluster in the error when up.sh fails ("NODE=kubelet") */
    protected ScriptedCluster(String dirName, Map<String, String> settings, String what) {
        this.dir = Path.of("target", dirName).toAbsolutePath();
        Map<String, String> env = new java.util.HashMap<>(settings);
        env.put("VMT_CLUSTER_DIR", dir.toString());
        this.env = Map.copyOf(env);
        this.stopOnExit = new Thread(() -> RealCluster.run(List.of("bash", "hack/cluster/down.sh"), this.env, 300));
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        RealCluster.Result up = RealCluster.run(List.of("bash", "hack/cluster/up.sh"), this.env, 1800);
        if (up.exitCode() != 0) {
            // up.sh stops what it started; the hook stays for anything left
            throw new IllegalStateException("hack/cluster/up.sh (" + what + ") failed (exit " + up.exitCode() + "):\n" + up.stderr());
        }
        this.kubeconfig = Path.of(up.stdout().strip().lines().reduce((a, b) -> b).orElseThrow());
        try {
            Config config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
            this.client = new KubernetesClientBuilder().withConfig(config).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    KubernetesClient client() {
        return client;
    }

    Path kubeconfig() {
        return kubeconfig;
    }

    /** The pinned kubectl against this cluster, as a user types it. */
    RealCluster.Result kubectl(String... args) {
        List<String> command = new ArrayList<>(List.of(dir.resolve("bin/kubectl").toString(), "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        return RealCluster.run(command, Map.of(), 120);
    }

    @Override
    public void close() {
        client.close();
        RealCluster.run(List.of("bash", "hack/cluster/down.sh"), env, 300);
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
    }
}
