package io.vmtemplating.qemu;

import io.vmtemplating.qemu.qmp.QmpClient;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

/**
 * Boots a template on the QEMU layer until its guest prints a ready line on the serial console, then freezes it:
 * what the benches and the real-QEMU tests do without a launcher (the launcher's TemplateBuild adds its pod's
 * reporting and signals around the same steps).
 */
public final class TemplateBoot {
    /** What runs between the ready line and the freeze, on the booted guest's console (a test's last question). */
    @FunctionalInterface
    public interface BeforeFreeze {
        void run(SerialConsole console) throws IOException;
    }

    private TemplateBoot() {
    }

    /**
     * @param readyMarker what the serial line that says the guest is ready contains (the demo guest's GUEST-READY)
     * @param bootTimeout for the boot; QEMU's sockets and the freeze get {@code qmpTimeout}
     */
    public static FreezeResult bootAndFreeze(VmDefinition vm, NodePaths paths, HostFacts host, String readyMarker,
            Duration bootTimeout, Duration qmpTimeout, BeforeFreeze beforeFreeze) throws IOException {
        Files.createDirectories(paths.memoryDir());
        Files.createDirectories(paths.stateDir());
        List<String> argv = QemuCommandLine.build(vm, paths, host, Role.TEMPLATE);
        long startNanos = System.nanoTime();
        try (QemuProcess process = QemuProcess.start(argv, paths.qemuLog());
                SerialConsole console = SerialConsole.connect(paths.serialSocket(), qmpTimeout);
                QmpClient qmp = QmpClient.connect(paths.qmpSocket(), qmpTimeout, qmpTimeout, process::isAlive)) {
            console.awaitLine(line -> line.contains(readyMarker), bootTimeout).orElseThrow(() -> new IllegalStateException(
                    "template did not print " + readyMarker + ": " + console.transcript() + "; QEMU said: " + process.log()));
            long bootMillis = (System.nanoTime() - startNanos) / 1_000_000;
            beforeFreeze.run(console);
            FreezeResult freeze = new TemplateFreezer(qmpTimeout).freeze(qmp, vm, paths, argv, bootMillis);
            if (!process.waitForExit(qmpTimeout)) {
                throw new IllegalStateException("template QEMU did not quit after the freeze");
            }
            return freeze;
        }
    }
}
