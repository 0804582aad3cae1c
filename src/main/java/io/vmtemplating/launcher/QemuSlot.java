package io.vmtemplating.launcher;

import io.vmtemplating.qemu.QemuProcess;
import java.io.IOException;

/**
 * The launcher's one QEMU and SIGTERM's claim on it. Starting and stopping take the same lock, so a SIGTERM that
 * arrives while the launcher prepares QEMU's start either finds the process to stop or keeps it from starting: seen in
 * CI, a build pod deleted at once left a QEMU running with no launcher (the hook ran before the start, found nothing
 * to stop, and the start followed).
 */
final class QemuSlot {
    /** How a QEMU is started (QemuProcess.start in the launcher, a stand-in in tests). */
    @FunctionalInterface
    interface Starter {
        QemuProcess start() throws IOException;
    }

    private QemuProcess qemu;
    private boolean stopped;

    /** Starts QEMU unless the launcher is stopping; null then, and nothing was started. */
    synchronized QemuProcess start(Starter starter) throws IOException {
        if (stopped) {
            return null;
        }
        qemu = starter.start();
        return qemu;
    }

    /** From now on nothing starts; the QEMU started before, if any, for the caller to stop. */
    synchronized QemuProcess stop() {
        stopped = true;
        return qemu;
    }
}
