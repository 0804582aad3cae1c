package io.vmtemplating.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * `make cluster` / `make cluster-down` as a user meets them when something is off: run twice, a part that died, a
 * machine without Go. A bare control plane of its own (no node, no operator) in a temporary state directory.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterScriptsIT {
    private static Path dir;
    private static Map<String, String> env;

    @BeforeAll
    static void stateDirectory() throws IOException {
        dir = Files.createTempDirectory("vmt-scripts-cluster");
        env = Map.of("VMT_CLUSTER_DIR", dir.toString(), "VMT_CLUSTER_NODE", "0", "VMT_CLUSTER_OPERATOR", "0");
    }

    @AfterAll
    static void down() {
        RealCluster.run(List.of("bash", "hack/cluster/down.sh"), env, 120);
    }

    @Test
    @Order(1)
    void aSecondMakeClusterLeavesARunningOneAlone() {
        RealCluster.Result first = up();
        assertEquals(0, first.exitCode(), first.stderr());
        String etcd = pid("etcd");
        RealCluster.Result second = up();
        assertEquals(0, second.exitCode(), second.stderr());
        assertTrue(second.stderr().contains("cluster: already up (" + dir + ")"), second.stderr());
        assertEquals(first.stdout(), second.stdout(), "the same kubeconfig");
        assertEquals(etcd, pid("etcd"), "nothing restarted");
    }

    @Test
    @Order(2)
    void aHalfStartedClusterIsStoppedAndStartedAfresh() throws Exception {
        ProcessHandle etcd = ProcessHandle.of(Long.parseLong(pid("etcd"))).orElseThrow();
        etcd.destroyForcibly();
        etcd.onExit().get();
        RealCluster.Result up = up();
        assertEquals(0, up.exitCode(), up.stderr());
        assertTrue(up.stderr().contains("found a half-started cluster in " + dir + ": stopping it and starting afresh"),
                up.stderr());
        RealCluster.Result nodes = RealCluster.run(List.of(dir.resolve("bin/kubectl").toString(), "--kubeconfig",
                dir.resolve("kubeconfig").toString(), "get", "--raw", "/readyz"), Map.of(), 30);
        assertEquals("ok", nodes.stdout().strip(), nodes.output());
    }

    @Test
    @Order(3)
    void makeClusterDownLeavesNoProcess() throws IOException {
        List<String> pids = List.of(pid("etcd"), pid("kube-apiserver"), pid("kube-controller-manager"), pid("kube-scheduler"));
        RealCluster.Result down = RealCluster.run(List.of("bash", "hack/cluster/down.sh"), env, 120);
        assertEquals(0, down.exitCode(), down.stderr());
        for (String pid : pids) {
            assertFalse(ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false), "process " + pid);
        }
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains(dir.toString())),
                "no process of " + dir + " is left");
        RealCluster.Result again = RealCluster.run(List.of("bash", "hack/cluster/down.sh"), env, 60);
        assertEquals(0, again.exitCode(), "down twice is fine: " + again.stderr());
    }

    @Test
    @Order(4)
    void withoutGoAColdBuildSaysWhatToInstall() throws IOException {
        Path emptyCache = Files.createTempDirectory("vmt-no-cache");
        // a PATH with the shell tools but no go
        RealCluster.Result build = RealCluster.run(List.of("bash", "hack/cluster/build.sh"),
                Map.of("VMT_CACHE", emptyCache.toString(), "PATH", "/usr/bin:/bin"), 60);
        assertNotEquals(0, build.exitCode());
        assertEquals("build.sh: no Go toolchain on PATH; install Go >= 1.24 (https://go.dev/doc/install), then run make cluster again",
                build.stderr().strip());
        assertEquals("", build.stdout());
        Files.delete(emptyCache);
    }

    /**
     * A second `make cluster NODE=kubelet` is refused while another cluster's real node runs (kubelet-node.sh); the
     * cleanup of the refused start (down.sh from up.sh's exit trap) must not take the other node's pods, mounts, chains
     * and /dev/shm/vmtemplating with it.
     */
    @Test
    @Order(5)
    void theCleanupOfARefusedRealNodeLeavesTheRunningOnesAlone() throws IOException {
        Path running = Files.createDirectories(Files.createTempDirectory("vmt-running-node").resolve("pids"));
        // a part of the running cluster: this JVM stands for its kubelet
        Files.writeString(running.resolve("kubelet.pid"), Long.toString(ProcessHandle.current().pid()));
        Path owner = Files.createTempFile("vmt-kubelet-node", ".owner");
        Files.writeString(owner, running.getParent() + "\n");
        Path refused = Files.createTempDirectory("vmt-refused-node");
        Files.writeString(refused.resolve("node-mode"), "kubelet\n");
        RealCluster.Result down = RealCluster.run(List.of("bash", "hack/cluster/down.sh"),
                Map.of("VMT_CLUSTER_DIR", refused.toString(), "VMT_KUBELET_NODE_OWNER", owner.toString()), 60);
        assertEquals(0, down.exitCode(), down.stderr());
        assertTrue(down.stderr().contains("cluster: the real node on this machine is " + running.getParent() + "'s: its pods, mounts,"
                + " chains and /dev/shm/vmtemplating are left alone"), down.stderr());
        assertEquals(running.getParent() + "\n", Files.readString(owner), "the running node keeps its owner");
        RealCluster.run(List.of("rm", "-rf", running.getParent().toString(), refused.toString(), owner.toString()), Map.of(), 10);
    }

    private static RealCluster.Result up() {
        return RealCluster.run(List.of("bash", "hack/cluster/up.sh"), env, 600);
    }

    private static String pid(String part) {
        try {
            return Files.readString(dir.resolve("pids/" + part + ".pid")).strip();
        } catch (IOException e) {
            throw new AssertionError(part + " has no pid file in " + dir, e);
        }
    }
}
