package io.vmtemplating.qemu;

import io.vmtemplating.qemu.qmp.QmpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A pool member's warm-up: the restored, paused guest runs until it is idle, then is paused again to wait for a claim.
 *
 * <p>Why (docs/pools.md, measured on the 2-core TCG node): a guest resumed straight from the template's state first
 * finishes what it was doing when it was frozen and, under TCG, translates each code path it meets afresh (a restored
 * QEMU's translation cache is empty). That took 50–90 ms of a core in the first 100 ms after the resume — exactly when
 * the claim's status write and the API server need the node. A member warmed up this way took ~0 ms of CPU in the
 * 200 ms after its claim's resume. The guest sees a few hundred milliseconds more of uptime; nothing else differs: the
 * member is still no one's until a claim takes it, and claim data still arrives after the claim.
 *
 * <p>Idle: QEMU used at most {@link #IDLE_SHARE} of one CPU over the last {@link #WINDOW}. A guest that never goes
 * idle (a busy workload frozen mid-run) is paused after {@link #LONGEST}.
 */
public final class GuestWarmUp {
    static final Duration SAMPLE = Duration.ofMillis(50);
    static final Duration WINDOW = Duration.ofMillis(100);
    static final Duration LONGEST = Duration.ofSeconds(3);
    static final double IDLE_SHARE = 0.1;

    /** How long the guest ran, the CPU its QEMU used meanwhile, and whether it went idle (false: cut at LONGEST). */
    public record Result(long ranMillis, long cpuMillis, boolean idle) {
        public String describe() {
            return "the guest ran " + ranMillis + " ms " + (idle ? "until idle" : "without going idle (stopped at the limit)")
                    + " (" + cpuMillis + " ms of CPU), paused";
        }
    }

    /** One CPU-time reading of QEMU, at a moment. */
    record Sample(long atNanos, long cpuNanos) {
    }

    private GuestWarmUp() {
    }

    /** Runs the paused guest of {@code qmp}'s QEMU ({@code qemuPid}) until idle, and pauses it again. */
    public static Result run(QmpClient qmp, long qemuPid) throws InterruptedException {
        ProcessHandle qemu = ProcessHandle.of(qemuPid).orElseThrow(() -> new IllegalStateException("QEMU (pid " + qemuPid + ") is gone"));
        // the kernel's accounting, through the JDK (/proc/<pid>/stat): 10 ms steps
        LongSupplier cpuNanos = () -> qemu.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        List<Sample> samples = new ArrayList<>();
        samples.add(new Sample(System.nanoTime(), cpuNanos.getAsLong()));
        qmp.execute("cont");
        boolean idle = false;
        while (!idle && System.nanoTime() - samples.get(0).atNanos() < LONGEST.toNanos()) {
            Thread.sleep(SAMPLE.toMillis());
            samples.add(new Sample(System.nanoTime(), cpuNanos.getAsLong()));
            idle = idle(samples);
        }
        qmp.execute("stop");
        Sample first = samples.get(0);
        Sample last = samples.get(samples.size() - 1);
        return new Result((last.atNanos() - first.atNanos()) / 1_000_000, (last.cpuNanos() - first.cpuNanos()) / 1_000_000, idle);
    }

    /** Pure: the samples span at least {@link #WINDOW}, and over the last WINDOW QEMU used at most IDLE_SHARE of a CPU. */
    static boolean idle(List<Sample> samples) {
        Sample last = samples.get(samples.size() - 1);
        for (int i = samples.size() - 2; i >= 0; i--) {
            Sample earlier = samples.get(i);
            long wall = last.atNanos() - earlier.atNanos();
            if (wall >= WINDOW.toNanos()) {
                return last.cpuNanos() - earlier.cpuNanos() <= IDLE_SHARE * wall;
            }
        }
        return false;
    }
}
