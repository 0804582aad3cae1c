package io.vmtemplating.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/** A running QEMU with its stdout and stderr in a log file (QEMU reports its errors there, nowhere else). */
public final class QemuProcess implements AutoCloseable {
    private final Process process;
    private final Path logFile;

    private QemuProcess(Process process, Path logFile) {
        this.process = process;
        this.logFile = logFile;
    }

    public static QemuProcess start(List<String> argv, Path logFile) throws IOException {
        Files.createDirectories(logFile.getParent());
        Process process = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        return new QemuProcess(process, logFile);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    public boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What QEMU printed so far; the place to look for QEMU's own error text. */
    public String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "(no QEMU log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, then SIGKILL if QEMU has not gone within 5 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!waitForExit(Duration.ofSeconds(5))) {
            process.destroyForcibly();
            waitForExit(Duration.ofSeconds(5));
        }
    }
}
