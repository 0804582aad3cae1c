package io.vmtemplating.bench;

import io.vmtemplating.launcher.ProcessMemory;
import io.vmtemplating.qemu.CloneAdditions;
import io.vmtemplating.qemu.CloneRestorer;
import io.vmtemplating.qemu.HostFacts;
import io.vmtemplating.qemu.NodePaths;
import io.vmtemplating.qemu.QemuLauncher;
import io.vmtemplating.qemu.RestoredClone;
import io.vmtemplating.qemu.SerialConsole;
import io.vmtemplating.qemu.TemplateBoot;
import io.vmtemplating.qemu.VmDefinition;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Shows that copy-on-write is counted right: N clones of the demo guest each write a known amount into guest RAM
 * (the test guest's {@code dirty N} serial command: N MiB from /dev/urandom into a tmpfs), read before and after.
 * Run on the QEMU layer, not through the local cluster: a clone's launcher holds its serial console, and nothing else
 * makes the demo guest write. The template is booted and frozen here (memory under /dev/shm, removed on every way out).
 */
final class GuestWriteRound {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    /** One clone's split figures (MiB) before and after its guest wrote. */
    record CloneSample(long guestPrivateBeforeMiB, long qemuOverheadBeforeMiB, long guestPrivateAfterMiB, long qemuOverheadAfterMiB) {
    }

    record Result(int clones, int writeMiB, List<CloneSample> samples) {
        double meanGuestPrivateGrowthMiB() {
            return samples.stream().mapToLong(s -> s.guestPrivateAfterMiB() - s.guestPrivateBeforeMiB()).average().orElse(Double.NaN);
        }

        double meanQemuOverheadGrowthMiB() {
            return samples.stream().mapToLong(s -> s.qemuOverheadAfterMiB() - s.qemuOverheadBeforeMiB()).average().orElse(Double.NaN);
        }
    }

    private GuestWriteRound() {
    }

    static Result run(VmDefinition vm, HostFacts host, String readyPattern, int n, int writeMiB, PrintStream err) throws Exception {
        Scratch scratch = Scratch.create("vmt-write", err);
        Path dir = scratch.dir();
        NodePaths template = new NodePaths(dir.resolve("memory"), dir.resolve("state"), dir.resolve("run-template"));
        List<RestoredClone> clones = new ArrayList<>();
        List<SerialConsole> consoles = new ArrayList<>();
        try {
            TemplateBoot.bootAndFreeze(vm, template, host, readyPattern, TIMEOUT, TIMEOUT, console -> { });
            for (int i = 0; i < n; i++) {
                NodePaths paths = new NodePaths(template.memoryDir(), template.stateDir(), dir.resolve("run-" + i));
                clones.add(new CloneRestorer(QemuLauncher.processes(), TIMEOUT).restore(vm, paths, host, CloneAdditions.NONE));
                consoles.add(SerialConsole.connect(paths.serialSocket(), TIMEOUT));
            }
            askAll(consoles, "ping"); // each guest has run, as a Running clone of the cluster rounds has
            List<ProcessMemory.Figures> before = read(clones, template);
            askAll(consoles, "dirty " + writeMiB);
            List<ProcessMemory.Figures> after = read(clones, template);
            List<CloneSample> samples = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                samples.add(new CloneSample(before.get(i).guestPrivateMiB(), before.get(i).qemuOverheadMiB(),
                        after.get(i).guestPrivateMiB(), after.get(i).qemuOverheadMiB()));
            }
            Result result = new Result(n, writeMiB, samples);
            err.printf("vm: %d clones each wrote %d MiB: guest private +%.1f MiB, QEMU overhead %+.1f MiB per clone%n", n, writeMiB,
                    result.meanGuestPrivateGrowthMiB(), result.meanQemuOverheadGrowthMiB());
            return result;
        } finally {
            for (SerialConsole console : consoles) {
                try {
                    console.close();
                } catch (IOException e) {
                    // its QEMU is stopped below either way
                }
            }
            clones.forEach(RestoredClone::close);
            scratch.close(); // the template's QEMU too, had its boot not ended; then the files
        }
    }

    /** Sends the line to every guest first (they work at once), then waits for each answer. */
    private static void askAll(List<SerialConsole> consoles, String line) throws IOException {
        for (SerialConsole console : consoles) {
            console.send(line);
        }
        for (SerialConsole console : consoles) {
            console.awaitLine(answer -> answer.startsWith("ANSWER") && answer.contains("cmd=" + line), TIMEOUT)
                    .orElseThrow(() -> new IllegalStateException("a clone did not answer " + line + " within " + TIMEOUT.toMinutes() + " min"));
        }
    }

    private static List<ProcessMemory.Figures> read(List<RestoredClone> clones, NodePaths template) throws IOException {
        List<ProcessMemory.Figures> figures = new ArrayList<>();
        for (RestoredClone clone : clones) {
            figures.add(ProcessMemory.read(clone.process().pid(), template.memoryDir().toRealPath()));
        }
        return figures;
    }
}
