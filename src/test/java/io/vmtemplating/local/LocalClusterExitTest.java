package io.vmtemplating.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.vmtemplating.cli.VmtHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local cluster in a JVM of its own, the way `vmt bench` and the local tests hold one: a SIGTERM to that JVM stops
 * the node's pods (processes of their own, which would outlive it) and removes the cluster's state directory, though
 * nobody called close(). A cluster that was closed says nothing at exit.
 */
class LocalClusterExitTest {
    private static final String POD_PID = "pod process ";

    @TempDir
    Path dir;

    @Test
    void sigtermStopsThePodsAndRemovesTheStateDirectory() throws Exception {
        Path state = dir.resolve("state");
        Path stdout = dir.resolve("stdout");
        Path stderr = dir.resolve("stderr");
        Process jvm = start(state, "hold", stdout, stderr);
        Optional<ProcessHandle> pod = Optional.empty();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !jvm.isAlive() || VmtHome.readSoFar(stdout).contains(POD_PID));
            assertTrue(jvm.isAlive(), () -> "the cluster's JVM ended early: " + VmtHome.readSoFar(stdout) + VmtHome.readSoFar(stderr));
            pod = ProcessHandle.of(Long.parseLong(VmtHome.readSoFar(stdout).split(POD_PID)[1].strip()));
            assertTrue(pod.isPresent() && pod.get().isAlive(), "the pod's process runs");
            assertTrue(Files.isDirectory(state.resolve("node")), "the node's files are in " + state);

            jvm.destroy(); // SIGTERM
            assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), "the JVM did not exit");
            String err = VmtHome.readSoFar(stderr);
            assertTrue(err.contains("local cluster: the JVM is exiting; stopping its pods and removing " + state), err);
            assertFalse(err.contains("\tat "), "no stack trace: " + err);
            ProcessHandle podProcess = pod.get();
            await("the pod's process ends with the JVM").atMost(Duration.ofSeconds(10)).until(() -> LocalNodeTest.ended(podProcess));
            assertFalse(Files.exists(state), "left behind: " + state);
        } finally {
            pod.ifPresent(ProcessHandle::destroyForcibly);
            jvm.destroyForcibly();
        }
    }

    @Test
    void aClusterClosedBeforeTheExitLeavesNothingForTheHook() throws Exception {
        Path state = dir.resolve("state");
        Path stderr = dir.resolve("stderr");
        Process jvm = start(state, "close", dir.resolve("stdout"), stderr);
        try {
            assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), "the JVM did not exit");
            assertEquals(0, jvm.exitValue(), VmtHome.readSoFar(stderr));
            assertFalse(VmtHome.readSoFar(stderr).contains("the JVM is exiting"), VmtHome.readSoFar(stderr));
            assertFalse(Files.exists(state), "left behind: " + state);
        } finally {
            jvm.destroyForcibly();
        }
    }

    private static Process start(Path state, String mode, Path stdout, Path stderr) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Holder.class.getName(), state.toString(), mode)
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    }

    /**
     * The cluster's JVM: a local cluster with one pod running {@code sleep}; "hold" prints the pod's process and waits
     * to be signalled, "close" closes the cluster and exits.
     */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            LocalCluster cluster = LocalCluster.start(Path.of(args[0]), List.of("/bin/false"), new WebhookRules(), true);
            Pod pod = cluster.client().resource(new PodBuilder()
                    .withNewMetadata().withName("sleeper").withNamespace("default").endMetadata()
                    .withNewSpec().withNodeName(NodeMode.DEFAULT_NODE_NAME).withRestartPolicy("Never")
                        .addNewContainer().withName("main").withImage("none").withCommand("sleep", "600").endContainer()
                    .endSpec().build()).create();
            String containerId = null;
            while (containerId == null) {
                Thread.sleep(100);
                Pod current = cluster.client().resource(pod).get();
                if (current.getStatus() != null && !current.getStatus().getContainerStatuses().isEmpty()) {
                    containerId = current.getStatus().getContainerStatuses().get(0).getContainerID();
                }
            }
            if (args[1].equals("close")) {
                cluster.close();
                System.exit(0); // as vmt's commands end
            }
            System.out.println(POD_PID + containerId.substring(ContainerRun.ID_PREFIX.length()));
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
