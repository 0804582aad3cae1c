package io.vmtemplating.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtemplating.local.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `vmt run` and `vmt demo` in their own JVM, stopped with SIGTERM while VMs run (real QEMU): each says what it
 * cleans up, prints no stack trace, stops every process it started and leaves nothing in /dev/shm (the template's
 * memory file is 512 MiB of tmpfs).
 */
@Tag("qemu")
class RunCommandSignalTest {
    private static final Duration BUILD = Duration.ofMinutes(5);

    @TempDir
    Path home;

    @Test
    void sigtermCleansUpAndSaysSo() throws Exception {
        VmtHome.install(home);
        Path stdout = home.resolve("stdout");
        Path stderr = home.resolve("stderr");
        Process run = VmtHome.command(home, "run", "-f", home.resolve("samples/demo/template.yaml").toString())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        Path nodeState = Path.of("/dev/shm/vmt-local-" + run.pid());
        try {
            await().atMost(BUILD).pollInterval(Duration.ofSeconds(1))
                    .until(() -> !run.isAlive() || Files.readString(stdout).contains("VmTemplate/demo Ready"));
            assertTrue(run.isAlive(), () -> "vmt run ended early: " + VmtHome.readSoFar(stdout) + VmtHome.readSoFar(stderr));
            List<Path> memoryFiles = files(nodeState, "pc.ram");
            assertFalse(memoryFiles.isEmpty(), "the frozen template's memory file is in " + nodeState);

            run.destroy(); // SIGTERM
            assertTrue(run.waitFor(StopSignal.CLEANUP_LIMIT.toSeconds() + 30, TimeUnit.SECONDS), "vmt run did not exit");
            String err = VmtHome.readSoFar(stderr);
            System.out.println("vmt run's stderr after SIGTERM:\n" + err);
            assertFalse(err.contains("Client is closed"), err);
            assertFalse(err.contains("\tat "), "no stack trace: " + err);
            assertTrue(err.contains("vmt run: stopping; cleaning up"), err);
            assertTrue(err.contains("deleting 1 object(s)"), err);
            assertTrue(err.strip().endsWith("done"), err);
            assertFalse(Files.exists(nodeState), "left in /dev/shm: " + files(nodeState, ""));
        } finally {
            run.descendants().forEach(ProcessHandle::destroyForcibly);
            run.destroyForcibly();
            LocalCluster.deleteTree(nodeState);
        }
    }

    @Test
    void sigtermDuringTheDemoStopsItsVmsAndCleansUp() throws Exception {
        VmtHome.install(home);
        Path stdout = home.resolve("demo-stdout");
        Path stderr = home.resolve("demo-stderr");
        Process demo = VmtHome.command(home, "demo")
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        Path nodeState = Path.of("/dev/shm/vmt-local-" + demo.pid());
        List<ProcessHandle> started = new java.util.ArrayList<>();
        try {
            // stopped while it waits for its clones: the template is frozen, the clones' QEMUs start
            await().atMost(BUILD).pollInterval(Duration.ofMillis(200))
                    .until(() -> !demo.isAlive() || Files.readString(stderr).contains("template demo: Ready"));
            assertTrue(demo.isAlive(), () -> "vmt demo ended early: " + VmtHome.readSoFar(stdout) + VmtHome.readSoFar(stderr));
            started.addAll(demo.descendants().toList());
            assertFalse(started.isEmpty(), "the demo's pods run as its child processes");

            demo.destroy(); // SIGTERM
            assertTrue(demo.waitFor(StopSignal.CLEANUP_LIMIT.toSeconds() + 30, TimeUnit.SECONDS), "vmt demo did not exit");
            String err = VmtHome.readSoFar(stderr);
            System.out.println("vmt demo's stderr after SIGTERM:\n" + err);
            assertFalse(err.contains("\tat "), "no stack trace: " + err);
            assertTrue(err.contains("vmt demo: stopping; cleaning up"), err);
            assertTrue(err.contains("stopping the local cluster"), err);
            List<ProcessHandle> left = started.stream().filter(ProcessHandle::isAlive).toList();
            assertTrue(left.isEmpty(), "left running: " + left.stream().map(p -> p.info().commandLine().orElse("?")).toList());
            assertFalse(Files.exists(nodeState), "left in /dev/shm: " + files(nodeState, ""));
        } finally {
            // recorded before the signal: a demo that died without cleaning up left them to init, out of reach of descendants()
            started.forEach(ProcessHandle::destroyForcibly);
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
            LocalCluster.deleteTree(nodeState);
        }
    }

    private static List<Path> files(Path dir, String nameEnd) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(nameEnd)).toList();
        }
    }

}
