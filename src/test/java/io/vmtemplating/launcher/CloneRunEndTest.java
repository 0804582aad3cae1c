package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What the launcher reports when a clone's QEMU ends, by how it ended. */
class CloneRunEndTest {
    private static LauncherResult ended(int exitCode, String guestShutdownReason) {
        return CloneRun.ended(exitCode, guestShutdownReason, () -> "qemu: terminating on signal 9");
    }

    @Test
    void aGuestRebootIsAFailureThatSaysToCreateTheCloneAgain() {
        // -no-reboot: QEMU exits 0 after the guest's reset, which must not read as a powered-off guest
        LauncherResult result = ended(0, "guest-reset");
        assertEquals(LauncherResult.FAILED, result.outcome());
        assertEquals("the guest rebooted; a clone continues its template's boot and cannot boot again (its QEMU holds no kernel"
                + " or initrd): delete the VmClone and create it again", result.error());
    }

    @Test
    void aGuestPoweroffEndsTheClone() {
        assertEquals(LauncherResult.POWERED_OFF, ended(0, "guest-shutdown").outcome());
        assertEquals(LauncherResult.POWERED_OFF, ended(0, null).outcome());
    }

    @Test
    void qemuDyingOnItsOwnIsAFailureWithItsLastWords() {
        LauncherResult result = ended(137, null);
        assertEquals(LauncherResult.FAILED, result.outcome());
        assertEquals("QEMU exited unexpectedly with code 137: qemu: terminating on signal 9", result.error());
    }
}
