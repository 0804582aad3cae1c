package io.vmtemplating.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmtemplating.qemu.qmp.QmpClient;
import io.vmtemplating.qemu.qmp.QmpException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Restores a clone from a frozen template: checks first (no QEMU is started for a clone that cannot work; only a
 * QEMU version the host facts leave unprobed is checked after the start, against QEMU's greeting, before anything
 * is loaded), then QEMU with -incoming defer → x-ignore-shared (+ the template's extras) → migrate-incoming file: → wait until loaded
 * → clone additions → cont (unless the clone is to stay paused).
 */
public final class CloneRestorer {
    private static final Duration POLL = Duration.ofMillis(2);
    private final QemuLauncher launcher;
    private final Duration timeout;

    public CloneRestorer(QemuLauncher launcher, Duration timeout) {
        this.launcher = launcher;
        this.timeout = timeout;
    }

    public RestoredClone restore(VmDefinition vm, NodePaths paths, HostFacts host, CloneAdditions additions) throws IOException {
        return restore(vm, paths, host, additions, true);
    }

    /**
     * @param run false: the clone stays paused after the load (VmClone spec.running false), not a single guest
     *            instruction runs until someone sends {@code cont}
     */
    public RestoredClone restore(VmDefinition vm, NodePaths paths, HostFacts host, CloneAdditions additions, boolean run)
            throws IOException {
        long startNanos = System.nanoTime();
        long deadlineNanos = startNanos + timeout.toNanos();
        if (additions.virtioMemRequestedMiB() > 0 && vm.virtioMem() == null) {
            throw new IllegalArgumentException("virtioMemRequestedMiB is set but the template has no virtio-mem device");
        }
        // the VM shape is checked on the argv with the template's boot files: the stubs change no device
        TemplateMetadata metadata = TemplateCheck.verify(vm, paths, host, QemuCommandLine.build(vm, paths, host, Role.CLONE));
        long checkedNanos = System.nanoTime();

        QemuProcess process = launcher.start(startArgv(vm, paths, host), paths);
        try {
            QmpClient qmp = QmpClient.connect(paths.qmpSocket(), remaining(deadlineNanos), timeout, process::isAlive);
            long connectedNanos = System.nanoTime();
            try {
                // the QEMU that loads the state is the one that counts (also when host named a version before)
                TemplateCheck.verifyVersion(metadata, qmp.version().number());
                qmp.execute("migrate-set-capabilities", MigrationCapabilities.arguments(metadata.migrationCapabilities()));
                qmp.execute("migrate-incoming", Map.of("uri", "file:" + paths.stateFile()));
                awaitLoaded(qmp, deadlineNanos);
                long loadedNanos = System.nanoTime();
                applyAdditions(qmp, additions);
                if (run) {
                    qmp.execute("cont");
                }
                long doneNanos = System.nanoTime();
                RestoreTimings timings = new RestoreTimings(millis(checkedNanos - startNanos),
                        millis(connectedNanos - checkedNanos), millis(loadedNanos - connectedNanos), millis(doneNanos - startNanos));
                return new RestoredClone(process, qmp, timings);
            } catch (RuntimeException e) {
                qmp.close();
                throw e;
            }
        } catch (QmpException | IllegalStateException e) {
            process.close();
            throw new IllegalStateException("clone restore failed: " + e.getMessage() + "; QEMU said: " + process.log(), e);
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
    }

    /** The argv a clone's QEMU starts with: the template's, with {@link BootStub}'s files when the VM boots a Linux kernel. */
    public static List<String> startArgv(VmDefinition vm, NodePaths paths, HostFacts host) throws IOException {
        List<String> argv = QemuCommandLine.build(vm, paths, host, Role.CLONE);
        return BootStub.forClone(vm.boot(), paths.stateDir(), paths.runDir()).map(stub -> stub.argv(argv)).orElse(argv);
    }

    private void awaitLoaded(QmpClient qmp, long deadlineNanos) {
        while (true) {
            String status = qmp.execute("query-status").path("status").asText();
            if (!status.equals("inmigrate")) {
                // the template was stopped before its state was saved, so a complete load ends "paused"
                if (!status.equals("paused")) {
                    JsonNode migration = qmp.execute("query-migrate");
                    throw new IllegalStateException("loading the template state ended in VM status " + status
                            + " (migration " + migration.path("status").asText() + ": " + migration.path("error-desc").asText("") + ")");
                }
                return;
            }
            JsonNode migration = qmp.execute("query-migrate");
            if (migration.path("status").asText().equals("failed")) {
                throw new IllegalStateException("loading the template state failed: " + migration.path("error-desc").asText("no reason given"));
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new IllegalStateException("loading the template state did not finish within " + timeout.toMillis() + " ms");
            }
            TemplateFreezer.sleep(POLL);
        }
    }

    private static void applyAdditions(QmpClient qmp, CloneAdditions additions) {
        if (additions.virtioMemRequestedMiB() > 0) {
            qmp.execute("qom-set", Map.of("path", "/machine/peripheral/" + QemuCommandLine.VIRTIO_MEM_ID,
                    "property", "requested-size", "value", additions.virtioMemRequestedMiB() * 1024 * 1024));
        }
        for (CloneAdditions.PortForward forward : additions.portForwards()) {
            String command = "hostfwd_add " + QemuCommandLine.NETDEV_ID + " " + forward.protocol() + "::"
                    + forward.hostPort() + "-:" + forward.guestPort();
            // HMP reports failure as text, not as a QMP error
            String output = qmp.humanMonitorCommand(command).strip();
            if (!output.isEmpty()) {
                throw new IllegalStateException("port forward " + forward + " failed: " + output);
            }
        }
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
