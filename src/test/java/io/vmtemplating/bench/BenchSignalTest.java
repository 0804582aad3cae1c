package io.vmtemplating.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtemplating.cli.VmtHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `vmt bench --only launcher` in its own JVM, stopped with SIGTERM while a clone launcher runs its QEMU (real QEMU):
 * the launchers and QEMU it started stop, its scratch directory (the template's 512 MiB memory file) leaves /dev/shm,
 * and it prints no stack trace.
 */
@Tag("qemu")
class BenchSignalTest {
    @TempDir
    Path home;

    @Test
    void sigtermDuringTheLauncherPartStopsItsProcessesAndEmptiesDevShm() throws Exception {
        VmtHome.install(home);
        Set<Path> before = scratchDirs();
        Path stderr = home.resolve("stderr");
        Process bench = VmtHome.command(home, "bench", "--only", "launcher")
                .redirectOutput(home.resolve("stdout").toFile()).redirectError(stderr.toFile()).start();
        List<ProcessHandle> started = new ArrayList<>();
        try {
            // after the first clone's line the next clone launcher starts and restores
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !bench.isAlive() || VmtHome.readSoFar(stderr).contains("launcher: clone 1:"));
            assertTrue(bench.isAlive(), () -> "vmt bench ended early: " + VmtHome.readSoFar(stderr));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> bench.descendants().anyMatch(p -> p.info().command().orElse("").contains("qemu")));
            started.addAll(bench.descendants().toList());
            Set<Path> created = scratchDirs().stream().filter(d -> !before.contains(d)).collect(Collectors.toSet());
            assertFalse(created.isEmpty(), "the part's scratch directory is in /dev/shm");

            bench.destroy(); // SIGTERM
            assertTrue(bench.waitFor(60, TimeUnit.SECONDS), "vmt bench did not exit");
            String err = VmtHome.readSoFar(stderr);
            System.out.println("vmt bench's stderr after SIGTERM:\n" + err);
            assertTrue(err.contains("vmt bench: stopping; undoing what the run set up"), err);
            assertFalse(err.contains("\tat "), "no stack trace: " + err);
            await("the bench's processes end with it").atMost(Duration.ofSeconds(10))
                    .until(() -> started.stream().noneMatch(ProcessHandle::isAlive));
            assertTrue(created.stream().noneMatch(Files::exists), "left in /dev/shm: " + created);
        } finally {
            // recorded before the signal: a bench that died without cleaning up left them to init
            started.forEach(ProcessHandle::destroyForcibly);
            bench.descendants().forEach(ProcessHandle::destroyForcibly);
            bench.destroyForcibly();
        }
    }

    private static Set<Path> scratchDirs() throws IOException {
        try (Stream<Path> shm = Files.list(Path.of("/dev/shm"))) {
            return shm.filter(p -> p.getFileName().toString().startsWith("vmt-launcher-bench-")).collect(Collectors.toSet());
        }
    }

}
