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
 * A cluster whose node is a real kubelet with containerd (hack/cluster/up.sh with VMT_CLUSTER_NODE=kubelet, in
 * target/e2e-kubelet-cluster, without the operator: the test installs it as a user would). Stopped by close() and, if
 * the JVM ends first, by a shutdown hook; down.sh drains the node through the kubelet.
 */
final class KubeletCluster implements AutoCloseable {
    /** containerd's socket on the real node (hack/cluster/lib.sh). */
    private static final String CONTAINERD_SOCKET = "/run/vmt-containerd/containerd.sock";

    private final Path dir;
    private final Path kubeconfig;
    private final KubernetesClient client;
    private final Map<String, String> env;
    private final Thread stopOnExit;

    private KubeletCluster(Path dir, Path kubeconfig, KubernetesClient client, Map<String, String> env, Thread stopOnExit) {
        this.dir = dir;
        this.kubeconfig = kubeconfig;
        this.client = client;
        this.env = env;
        this.stopOnExit = stopOnExit;
    }

    static KubeletCluster start() {
        Path dir = Path.of("target/e2e-kubelet-cluster").toAbsolutePath();
        Map<String, String> env = Map.of("VMT_CLUSTER_DIR", dir.toString(), "VMT_CLUSTER_NODE", "kubelet",
                "VMT_CLUSTER_OPERATOR", "0");
        Thread stopOnExit = new Thread(() -> RealCluster.run(List.of("bash", "hack/cluster/down.sh"), env, 300));
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        RealCluster.Result up = RealCluster.run(List.of("bash", "hack/cluster/up.sh"), env, 1800);
        if (up.exitCode() != 0) {
            throw new IllegalStateException("hack/cluster/up.sh (NODE=kubelet) failed (exit " + up.exitCode() + "):\n" + up.stderr());
        }
        Path kubeconfig = Path.of(up.stdout().strip().lines().reduce((a, b) -> b).orElseThrow());
        try {
            Config config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
            return new KubeletCluster(dir, kubeconfig, new KubernetesClientBuilder().withConfig(config).build(), env, stopOnExit);
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

    /** containerd's own client on the node's k8s.io namespace (where the kubelet's images are). */
    RealCluster.Result ctr(String... args) {
        List<String> command = new ArrayList<>(List.of("ctr", "--address", CONTAINERD_SOCKET, "-n", "k8s.io"));
        command.addAll(List.of(args));
        return RealCluster.run(command, Map.of(), 300);
    }

    /** A repository script with this cluster's admin kubeconfig and pinned kubectl. */
    RealCluster.Result script(List<String> command) {
        return RealCluster.run(command, Map.of("KUBECONFIG", kubeconfig.toString(),
                "PATH", dir.resolve("bin") + ":" + System.getenv("PATH")), 600);
    }

    @Override
    public void close() {
        client.close();
        RealCluster.run(List.of("bash", "hack/cluster/down.sh"), env, 300);
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
    }
}
