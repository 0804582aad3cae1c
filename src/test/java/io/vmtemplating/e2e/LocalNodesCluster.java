package io.vmtemplating.e2e;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A cluster of several local nodes with the operator (hack/cluster/up.sh with VMT_CLUSTER_NODES, in its own
 * directory under target/): each node its own `vmt node` process, node root and Node object. Stopped by close()
 * and, if the JVM ends first, by a shutdown hook.
 */
final class LocalNodesCluster extends ScriptedCluster {

    private LocalNodesCluster(String dirName, int nodes) {
        super(dirName, Map.of("VMT_CLUSTER_NODES", Integer.toString(nodes)), "NODES=" + nodes);
    }

    static LocalNodesCluster start(String dirName, int nodes) {
        return new LocalNodesCluster(dirName, nodes);
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
}
