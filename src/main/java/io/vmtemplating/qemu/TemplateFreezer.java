package io.vmtemplating.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmtemplating.qemu.qmp.QemuVersion;
import io.vmtemplating.qemu.qmp.QmpClient;
import io.vmtemplating.qemu.qmp.QmpClosedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Freezes a booted template: stop → x-ignore-shared (+ extras) → migrate to file:stateDir/state → wait → quit, then
 * makes the files read-only and writes metadata.json last.
 */
public final class TemplateFreezer {
    private static final Duration POLL = Duration.ofMillis(5);
    private final Duration timeout;

    /** @param timeout for the whole freeze; the state is small (device state only), so seconds are plenty */
    public TemplateFreezer(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * @param argv       the template's argv (its VM shape is recorded)
     * @param bootMillis QEMU start until the guest was ready to freeze, recorded for status
     */
    public FreezeResult freeze(QmpClient qmp, VmDefinition vm, NodePaths paths, List<String> argv, long bootMillis)
            throws IOException {
        long startNanos = System.nanoTime();
        long deadlineNanos = startNanos + timeout.toNanos();
        QemuVersion version = qmp.version();

        Path stateFile = paths.stateFile();
        Files.createDirectories(paths.stateDir());
        Files.deleteIfExists(stateFile);
        qmp.execute("stop");
        qmp.execute("migrate-set-capabilities", MigrationCapabilities.arguments(vm.migrationCapabilities()));
        qmp.execute("migrate", Map.of("uri", "file:" + stateFile));
        awaitMigration(qmp, deadlineNanos);
        try {
            qmp.execute("quit");
        } catch (QmpClosedException e) {
            // QEMU may close the socket before its reply reaches us: it is quitting, which is what we asked
        }
        long freezeMillis = (System.nanoTime() - startNanos) / 1_000_000;

        List<TemplateMetadata.MemoryFile> memoryFiles = new ArrayList<>();
        for (MemoryBackends.Backend backend : MemoryBackends.of(vm)) {
            Path file = paths.memoryFile(backend.id());
            memoryFiles.add(new TemplateMetadata.MemoryFile(backend.id(), Files.size(file)));
            makeReadOnly(file);
        }
        makeReadOnly(stateFile);
        // once per template, beside its state (every clone mounts the state directory): no clone writes its own
        BootStub.write(vm.boot(), paths.stateDir());
        List<String> shape = VmShape.normalize(argv, paths);
        TemplateMetadata metadata = new TemplateMetadata(version.number(), version.packageName(),
                VmShape.sha256(shape), shape, memoryFiles, vm.migrationCapabilities(), Files.size(stateFile),
                bootMillis, freezeMillis, Instant.now().toString());
        metadata.write(paths.metadataFile());
        return new FreezeResult(metadata, freezeMillis);
    }

    private void awaitMigration(QmpClient qmp, long deadlineNanos) {
        while (true) {
            JsonNode info = qmp.execute("query-migrate");
            String status = info.path("status").asText();
            if (status.equals("completed")) {
                return;
            }
            if (status.equals("failed") || status.equals("cancelled")) {
                throw new IllegalStateException("saving the template state failed (" + status + "): "
                        + info.path("error-desc").asText("QEMU gave no reason"));
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new IllegalStateException("saving the template state did not complete within "
                        + timeout.toMillis() + " ms (last status " + status + ")");
            }
            sleep(POLL);
        }
    }

    /**
     * 0444: a clone started with share=on by mistake would silently write into the template; read-only files make
     * that mistake fail at start instead. The template QEMU has quit, so nothing needs write access any more.
     * Root with CAP_DAC_OVERRIDE ignores the mode, so clone pods must also mount the template directory read-only.
     */
    private static void makeReadOnly(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
    }

    static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
