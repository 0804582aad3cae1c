package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A template build whose memory directory is a small tmpfs (root: it mounts one), as on a node whose /dev/shm is nearly
 * full: refused before QEMU starts when the guest's RAM does not fit; and when the tmpfs fills up after that check
 * (another build), QEMU's death by SIGBUS is reported as the same NoMemorySpace.
 */
@Tag("qemu")
class NoMemorySpaceQemuTest {
    private static final long MIB = 1024 * 1024;
    private Path root;
    /** The node's tmpfs (its /dev/shm), and this template's memory directory in it, as the real layout has them. */
    private Path shm;
    private Path memory;

    @BeforeEach
    void smallTmpfs() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounts a tmpfs: root only");
        root = Files.createTempDirectory(Path.of("/dev/shm"), "vmt-nospace-test-");
        shm = Files.createDirectories(root.resolve("shm"));
        memory = shm.resolve("0f3c1d2e-1111-2222-3333-444455556666");
    }

    @AfterEach
    void unmount() throws Exception {
        if (root != null) {
            new ProcessBuilder("umount", shm.toString()).inheritIO().start().waitFor();
            Cleanup.deleteRecursively(root);
        }
    }

    private void mountTmpfs(long sizeMiB) throws Exception {
        assertEquals(0, new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + sizeMiB + "m", "tmpfs", shm.toString())
                .inheritIO().start().waitFor());
        Files.createDirectories(memory);
    }

    private LauncherProcess build() throws Exception {
        return LauncherProcess.start("template", Map.of("VMT_TEMPLATE_SPEC", TestGuest.templateSpec(), "VMT_ACCEL", "tcg",
                        "VMT_TEMPLATE_UID", "0f3c1d2e-1111-2222-3333-444455556666"),
                "/vmt/memory=" + memory + ":/vmt/state=" + root.resolve("state") + ":/vmt/run=" + root.resolve("run") + ":"
                        + TestGuest.bootPathMap(), root.resolve("out"));
    }

    @Test
    void aTmpfsSmallerThanTheGuestsRamIsRefusedBeforeQemuStarts() throws Exception {
        mountTmpfs(8);
        try (LauncherProcess launcher = build()) {
            assertEquals(1, launcher.waitForExit(Duration.ofSeconds(60)), launcher.stderr());
            JsonNode result = launcher.terminationMessage();
            assertEquals("NoMemorySpace", result.path("outcome").asText(), result.toString());
            assertTrue(result.path("error").asText().contains("has 8 MiB free and the guest's RAM needs 256 MiB (spec.memory.size)"),
                    result.toString());
            assertFalse(Files.exists(root.resolve("run/qemu.log")), "QEMU was not started");
        }
    }

    @Test
    void aTmpfsThatFillsUpAfterTheCheckKillsQemuBySigbusAndSaysNoMemorySpace() throws Exception {
        mountTmpfs(264);
        try (LauncherProcess launcher = build()) {
            // QEMU made its memory file: another build takes the space its guest has not touched yet
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(memory.resolve("pc.ram")) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(Files.exists(memory.resolve("pc.ram")), launcher.stderr());
            fill(shm.resolve("other-template"));
            assertEquals(1, launcher.waitForExit(Duration.ofMinutes(3)), launcher.stderr());
            JsonNode result = launcher.terminationMessage();
            assertEquals("NoMemorySpace", result.path("outcome").asText(), result.toString());
            assertTrue(result.path("error").asText().startsWith("no space for the template's memory file: QEMU was killed by SIGBUS,"
                    + " which on tmpfs means a guest page could not be allocated; the node's tmpfs for template memory (the hostPath"
                    + " under /dev/shm) has "), result.toString());
            assertTrue(result.path("error").asText().contains("the guest's RAM needs 256 MiB (spec.memory.size)"), result.toString());
            // the build's partial file is gone (the space is the other template's)
            try (var left = Files.list(memory)) {
                assertEquals(List.of(), left.toList());
            }
        }
    }

    /** Writes until the tmpfs is full. */
    private static void fill(Path file) throws IOException {
        byte[] chunk = new byte[(int) MIB];
        java.util.Arrays.fill(chunk, (byte) 1);
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
                throw e;
            }
        }
    }
}
