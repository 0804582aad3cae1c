package io.vmtemplating.qemu;

import java.io.IOException;
import java.util.List;

/** Starts QEMU; an interface so that tests can prove QEMU was never started when a check fails first. */
@FunctionalInterface
public interface QemuLauncher {
    QemuProcess start(List<String> argv, NodePaths paths) throws IOException;

    static QemuLauncher processes() {
        return (argv, paths) -> QemuProcess.start(argv, paths.qemuLog());
    }
}
