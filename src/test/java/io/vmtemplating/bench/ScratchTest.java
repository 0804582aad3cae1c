package io.vmtemplating.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A bench part's scratch directory: at its end the processes that name it (QEMU, started inside library code) and
 * those the part registered (a launcher) stop with their children, the directory goes, and nothing else is touched.
 */
class ScratchTest {
    private final PrintStream err = new PrintStream(new ByteArrayOutputStream());

    @Test
    void closingStopsWhatUsesTheDirectoryAndRemovesIt() throws Exception {
        Scratch scratch = Scratch.create("vmt-scratch-test-", err);
        Path dir = scratch.dir();
        Files.writeString(dir.resolve("pc.ram"), "memory");
        // names the directory on its command line, as QEMU does; "; true" keeps bash from exec'ing sleep in its place
        Process naming = new ProcessBuilder("bash", "-c", "sleep 600; true", dir.resolve("qemu").toString()).start();
        Process registered = new ProcessBuilder("bash", "-c", "sleep 601; true").start();
        scratch.stopAtEnd(registered);
        Process bystander = new ProcessBuilder("sleep", "602").start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> naming.descendants().count() == 1 && registered.descendants().count() == 1);
            List<ProcessHandle> children = List.of(naming.descendants().findFirst().orElseThrow(),
                    registered.descendants().findFirst().orElseThrow());
            scratch.close();
            assertFalse(naming.isAlive(), "a process naming the directory");
            assertFalse(registered.isAlive(), "a registered process");
            await().atMost(Duration.ofSeconds(5)).until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
            assertTrue(bystander.isAlive(), "a process of this JVM that neither names the directory nor was registered");
            assertFalse(Files.exists(dir), "left behind: " + dir);
        } finally {
            List.of(naming, registered, bystander).forEach(p -> {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            });
        }
    }
}
