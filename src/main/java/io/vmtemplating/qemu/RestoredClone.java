package io.vmtemplating.qemu;

import io.vmtemplating.qemu.qmp.QmpClient;

/** A running clone: its QEMU, a QMP connection to it, and how long the restore took. Closing stops QEMU. */
public record RestoredClone(QemuProcess process, QmpClient qmp, RestoreTimings timings) implements AutoCloseable {
    @Override
    public void close() {
        qmp.close();
        process.close();
    }
}
