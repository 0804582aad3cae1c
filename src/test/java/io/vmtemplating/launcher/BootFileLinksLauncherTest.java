package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtemplating.webhook.BootFileDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 4: the launcher opens boot files only inside the volume of their role, symbolic links resolved. The
 * pod's boot volumes are directories here as the operator writes them (the allowed hostPath directory mounted whole);
 * QEMU is a stand-in that records its argv, so "started" means every check passed.
 */
class BootFileLinksLauncherTest {
    private static final String SPEC = "{\"memory\":{\"size\":\"64Mi\"},\"boot\":{"
            + "\"kernel\":{\"hostPath\":{\"path\":\"/var/lib/vmtemplating/guest/vmlinuz\"}},"
            + "\"initrd\":{\"hostPath\":{\"path\":\"/var/lib/vmtemplating/guest/initrd.gz\"}},\"cmdline\":\"console=ttyS0\"},"
            + "\"freeze\":{\"trigger\":\"Delay\",\"delaySeconds\":1}}";
    private static final String INITRD_FIELD = "spec.boot.initrd.hostPath.path";

    @TempDir
    Path dir;

    /** The node's allowed directory as both boot volumes see it, with a regular kernel in it. */
    private Path guestDir() throws Exception {
        Path kernelVolume = Files.createDirectories(dir.resolve("boot/kernel"));
        Files.writeString(kernelVolume.resolve("vmlinuz"), "kernel");
        return Files.createDirectories(dir.resolve("boot/initrd"));
    }

    @Test
    void regularFilesReachQemu() throws Exception {
        Files.writeString(guestDir().resolve("initrd.gz"), "initrd");
        InProcessLauncher.Outcome outcome = InProcessLauncher.template(dir, SPEC);
        assertTrue(outcome.qemuStarted(), outcome.stderr());
        assertTrue(outcome.qemuArgv().contains(dir.resolve("boot/initrd/initrd.gz").toString()), outcome.qemuArgv().toString());
    }

    @Test
    void aRelativeLinkInsideTheDirectoryIsFollowed() throws Exception {
        Path guest = guestDir();
        Files.writeString(guest.resolve("initrd-6.1.gz"), "initrd");
        Files.createSymbolicLink(guest.resolve("initrd.gz"), Path.of("initrd-6.1.gz"));
        assertTrue(InProcessLauncher.template(dir, SPEC).qemuStarted());
    }

    @Test
    void aLinkToAHostSecretIsRefused() throws Exception {
        Files.createSymbolicLink(guestDir().resolve("initrd.gz"), Path.of("/etc/passwd"));
        assertRefused("'initrd.gz' leads out of its directory through a symbolic link; boot files must be regular files,"
                + " or relative links that stay inside the directory");
    }

    @Test
    void aRelativeLinkThatClimbsOutIsRefused() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("memory-of-another-template"));
        Files.writeString(outside.resolve("ram"), "secret pages");
        Files.createSymbolicLink(guestDir().resolve("initrd.gz"), Path.of("../../memory-of-another-template/ram"));
        assertRefused("'initrd.gz' leads out of its directory through a symbolic link; boot files must be regular files,"
                + " or relative links that stay inside the directory");
    }

    @Test
    void aDanglingLinkIsRefused() throws Exception {
        Files.createSymbolicLink(guestDir().resolve("initrd.gz"), Path.of("/nonexistent/initrd.gz"));
        assertRefused("'initrd.gz' is a symbolic link to a file that does not exist inside its directory; boot files must"
                + " be regular files, or relative links that stay inside the directory");
    }

    @Test
    void aDirectoryIsNoBootFile() throws Exception {
        Files.createDirectories(guestDir().resolve("initrd.gz"));
        assertRefused("'initrd.gz' is not a regular file; name the kernel, initrd or disk image itself");
    }

    @Test
    void aMissingFileIsLeftToQemuWhichSaysSo() throws Exception {
        guestDir();
        assertTrue(InProcessLauncher.template(dir, SPEC).qemuStarted(), "a retry helps once the admin copies the file");
    }

    @Test
    void theLaunchersOwnAllowListAppliesToTheSpec() {
        InvalidSpecException refused = assertThrows(InvalidSpecException.class,
                () -> SpecAdmission.template(SPEC, new BootFileDirs(List.of("/srv/guests"))));
        assertEquals("spec.boot.kernel.hostPath.path", refused.field());
    }

    private void assertRefused(String message) throws Exception {
        InProcessLauncher.Outcome outcome = InProcessLauncher.template(dir, SPEC);
        assertFalse(outcome.qemuStarted(), "QEMU started: " + outcome.qemuArgv());
        assertEquals(PodContract.EXIT_INVALID_SPEC, outcome.exitCode(), outcome.stderr());
        assertEquals(LauncherResult.INVALID_SPEC, outcome.termination().path("outcome").asText());
        assertEquals(INITRD_FIELD + ": " + message, outcome.termination().path("error").asText());
        assertFalse(outcome.stderr().contains("\tat "), outcome.stderr());
    }
}
