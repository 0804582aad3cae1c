package io.vmtemplating.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A cluster whose node is a real kubelet with containerd (hack/cluster/up.sh with VMT_CLUSTER_NODE=kubelet, in
 * target/e2e-kubelet-cluster, without the operator: the test installs it as a user would). Stopped by close() and, if
 * the JVM ends first, by a shutdown hook; down.sh drains the node through the kubelet.
 */
final class KubeletCluster extends ScriptedCluster {
    /** containerd's socket on the real node (hack/cluster/lib.sh). */
    private static final String CONTAINERD_SOCKET = "/run/vmt-containerd/containerd.sock";

    private KubeletCluster() {
        super("e2e-kubelet-cluster", Map.of("VMT_CLUSTER_NODE", "kubelet", "VMT_CLUSTER_OPERATOR", "0"), "NODE=kubelet");
    }

    static KubeletCluster start() {
        return new KubeletCluster();
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
}
