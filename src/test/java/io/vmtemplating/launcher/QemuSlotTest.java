package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vmtemplating.qemu.QemuProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM and QEMU's start never cross: what the hook does not find, it keeps from starting. */
class QemuSlotTest {
    @TempDir
    Path dir;

    @Test
    void nothingStartsOnceTheStopBegan() throws Exception {
        QemuSlot slot = new QemuSlot();
        assertNull(slot.stop(), "no QEMU yet: nothing for the hook to stop");
        AtomicBoolean started = new AtomicBoolean();
        assertNull(slot.start(() -> {
            started.set(true);
            return QemuProcess.start(List.of("sleep", "30"), dir.resolve("qemu.log"));
        }));
        assertFalse(started.get(), "a start after the stop would leave a QEMU without its launcher");
    }

    @Test
    void theStopGetsTheQemuStartedBefore() throws Exception {
        QemuSlot slot = new QemuSlot();
        QemuProcess process = slot.start(() -> QemuProcess.start(List.of("sleep", "30"), dir.resolve("qemu.log")));
        try {
            assertSame(process, slot.stop());
        } finally {
            process.close();
        }
        assertFalse(process.isAlive());
    }
}
