package io.vmtemplating.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * When this process started, on the System.nanoTime() scale. ProcessHandle's startInstant is derived from
 * /proc/stat's btime, which has whole-second resolution: measured here it put the start up to 1.6 s too early.
 * /proc/self/stat's starttime (clock ticks since boot) against /proc/uptime (same clock, 10 ms) is good to ~20 ms.
 */
final class ProcessStart {
    private static final double TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux ABI we run on

    private ProcessStart() {
    }

    /** Milliseconds since this process started (exec of the JVM, or of a shell that exec'd it). */
    static long startNanos() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] afterComm = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // field 22 overall is starttime; after "pid (comm)" it is the 20th
            double startSeconds = Long.parseLong(afterComm[19]) / TICKS_PER_SECOND;
            double uptimeSeconds = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
            return System.nanoTime() - (long) ((uptimeSeconds - startSeconds) * 1e9);
        } catch (Exception | Error e) {
            Instant start = ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
            return System.nanoTime() - Duration.between(start, Instant.now()).toNanos();
        }
    }
}
