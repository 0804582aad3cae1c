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
 * A cluster of several local nodes with the operator (hack/cluster/up.sh with VMT_CLUSTER_NODES, in its own
 * directory under target/): each node its own `vmt node` process, node root and Node object. Stopped by close()
 * and, if the JVM ends first, by a shutdown hook.
 */
final class LocalNodesCluster implements AutoCloseable {
    private final Path dir;
    private final Path kubeconfig;
    private final KubernetesClient client;
    private final Map<String, String> env;
    private final Thread stopOnExit;

    private LocalNodesCluster(Path dir, Path kubeconfig, KubernetesClient client, Map<String, String> env, Thread stopOnExit) {
        this.dir = dir;
        this.kubeconfig = kubeconfig;
        this.client = client;
        this.env = env;
        this.stopOnExit = stopOnExit;
    }

    static LocalNodesCluster start(String dirName, int nodes) {
        Path dir = Path.of("target", dirName).toAbsolutePath();
        Map<String, String> env = Map.of("VMT_CLUSTER_DIR", dir.toString(), "VMT_CLUSTER_NODES", Integer.toString(nodes));
        Thread stopOnExit = new Thread(() -> RealCluster.run(List.of("bash", "hack/cluster/down.sh"), env, 300));
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        RealCluster.Result up = RealCluster.run(List.of("bash", "hack/cluster/up.sh"), env, 1800);
        if (up.exitCode() != 0) {
            RealCluster.run(List.of("bash", "hack/cluster/down.sh"), env, 300);
            throw new IllegalStateException("hack/cluster/up.sh (NODES=" + nodes + ") failed (exit " + up.exitCode() + "):\n"
                    + up.stderr());
        }
        Path kubeconfig = Path.of(up.stdout().strip().lines().reduce((a, b) -> b).orElseThrow());
        try {
            Config config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
            return new LocalNodesCluster(dir, kubeconfig, new KubernetesClientBuilder().withConfig(config).build(), env, stopOnExit);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    KubernetesClient client() {
        return client;
    }

    /** The pinned kubectl against this cluster, as a user types it. */
    RealCluster.Result kubectl(String... args) {
        List<String> command = new ArrayList<>(List.of(dir.resolve("bin/kubectl").toString(), "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        return RealCluster.run(command, Map.of(), 120);
    }

    /**
     * Node {@code k} (from 2) dies as a machine does: its `vmt node` process group and every process of its pods (QEMU
     * included, found by the node root in their command lines) get SIGKILL; nothing is reported to the API server.
     */
    void killNode(int k) {
        if (k < 2) {
            throw new IllegalArgumentException("node 1's root is a prefix of the others': kill node 2 or later");
        }
        RealCluster.Result kill = RealCluster.run(List.of("bash", "-c",
                ". hack/cluster/lib.sh && kill -KILL -- \"-$(cat \"$0/pids/node-$1.pid\")\" || exit 1; pkill -KILL -f -- \"$(node_root_of \"$0\" \"$1\")\"; true",
                dir.toString(), Integer.toString(k)), Map.of(), 30);
        if (kill.exitCode() != 0) {
            throw new IllegalStateException("killing node " + k + " failed: " + kill.output());
        }
    }

    /** Where a host path of local node {@code k} (from 1) is on this machine. */
    Path onNode(int k, String hostPath) {
        String root = RealCluster.run(List.of("bash", "-c", ". hack/cluster/lib.sh && node_root_of \"$0\" \"$1\"",
                dir.toString(), Integer.toString(k)), Map.of(), 10).stdout().strip();
        return Path.of(root).resolve(hostPath.replaceFirst("^/+", ""));
    }

    @Override
    public void close() {
        client.close();
        RealCluster.run(List.of("bash", "hack/cluster/down.sh"), env, 300);
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
    }
}
