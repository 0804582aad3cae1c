package io.vmtemplating.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtemplating.launcher.ProcessMemory;
import io.vmtemplating.qemu.qmp.QmpEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clone's memory as docs/metrics.md splits it, on one small template booted and frozen once: a known guest write
 * lands in the guest's copy-on-write figure and not in QEMU's overhead; the clone's QEMU holds no copy of the boot
 * files (BootStub), and a guest reboot therefore ends QEMU instead of booting a stub.
 */
@Tag("qemu")
class CloneMemoryQemuTest {
    private static final long GUEST_MIB = 256;
    private static final int WRITE_MIB = 64;
    @TempDir
    static Path work;
    private static QemuTestSupport.FrozenTemplate template;

    @BeforeAll
    static void bootAndFreezeTemplate() throws IOException {
        VmDefinition.Boot cloud = TestGuest.cloudKernel();
        // unknown_nmi_panic: an NMI from QMP makes the guest panic, and panic=-1 makes it reboot at once
        VmDefinition.Boot boot = new VmDefinition.Boot(cloud.kernelPath(), cloud.initrdPath(), cloud.cmdline() + " unknown_nmi_panic",
                null, null);
        VmDefinition vm = new VmDefinition("q35", 1, GUEST_MIB, MemoryBackendKind.TMPFS, 0, List.of(), boot,
                new VmDefinition.Network(false), null, null, false, false, true, List.of(), List.of());
        template = QemuTestSupport.bootAndFreezeInShm("memory", vm, work);
    }

    @AfterAll
    static void removeTemplateMemory() throws IOException {
        QemuTestSupport.removeMemory(template);
    }

    private static ProcessMemory.Figures memory(RestoredClone clone) throws IOException {
        return ProcessMemory.read(clone.process().pid(), template.paths().memoryDir().toRealPath());
    }

    /** A clone of the template in its own run directory, started by {@code launcher}, running or paused. */
    private static RestoredClone restore(String runDir, QemuLauncher launcher, boolean run) throws IOException {
        return new CloneRestorer(launcher, QemuTestSupport.QMP_TIMEOUT).restore(template.vm(),
                QemuTestSupport.clonePaths(template.paths(), work.resolve(runDir)), TestHost.facts(), CloneAdditions.NONE, run);
    }

    private static SerialConsole console(String runDir) throws IOException {
        return SerialConsole.connect(QemuTestSupport.clonePaths(template.paths(), work.resolve(runDir)).serialSocket(),
                QemuTestSupport.QMP_TIMEOUT);
    }

    @Test
    void aGuestWriteCountsAsTheGuestsCopiesNotAsQemuOverhead() throws IOException {
        try (RestoredClone clone = restore("run-write", QemuLauncher.processes(), true); SerialConsole console = console("run-write")) {
            GuestAnswer.ask(console, "ping", QemuTestSupport.ANSWER_TIMEOUT);
            ProcessMemory.Figures before = memory(clone);
            GuestAnswer.ask(console, "dirty " + WRITE_MIB, QemuTestSupport.ANSWER_TIMEOUT);
            ProcessMemory.Figures after = memory(clone);
            long guestGrowth = after.guestPrivateMiB() - before.guestPrivateMiB();
            long qemuGrowth = after.qemuOverheadMiB() - before.qemuOverheadMiB();
            System.out.printf("[memory] guest wrote %d MiB: guest private %d → %d MiB, QEMU overhead %d → %d MiB%n", WRITE_MIB,
                    before.guestPrivateMiB(), after.guestPrivateMiB(), before.qemuOverheadMiB(), after.qemuOverheadMiB());
            // the guest's kernel adds a little of its own (page tables, the dd buffer)
            assertTrue(guestGrowth >= WRITE_MIB && guestGrowth <= WRITE_MIB + 16, "guest private grew by " + guestGrowth + " MiB");
            // TCG translates the new guest code (dd, md5sum) into its code cache: a few MiB, not the write
            assertTrue(qemuGrowth < WRITE_MIB / 4, "QEMU overhead grew by " + qemuGrowth + " MiB");
        }
    }

    @Test
    void theClonesQemuHoldsNoCopyOfTheBootFiles() throws IOException {
        long bootFilesMiB = (Files.size(Path.of(template.vm().boot().kernelPath()))
                + Files.size(Path.of(template.vm().boot().initrdPath()))) >> 20;
        long withStub = pausedQemuOverheadMiB("run-stub", QemuLauncher.processes());
        // the same clone given the template's own boot files, as before BootStub
        QemuLauncher realBootFiles = (argv, paths) -> QemuLauncher.processes()
                .start(QemuCommandLine.build(template.vm(), paths, TestHost.facts(), Role.CLONE), paths);
        long withBootFiles = pausedQemuOverheadMiB("run-real", realBootFiles);
        System.out.printf("[memory] paused clone's QEMU overhead: %d MiB with the boot stub, %d MiB with the %d MiB of boot files%n",
                withStub, withBootFiles, bootFilesMiB);
        assertTrue(withBootFiles - withStub >= bootFilesMiB * 3 / 4,
                "the stub saves " + (withBootFiles - withStub) + " MiB of " + bootFilesMiB + " MiB of boot files");
    }

    private static long pausedQemuOverheadMiB(String runDir, QemuLauncher launcher) throws IOException {
        try (RestoredClone clone = restore(runDir, launcher, false)) {
            return memory(clone).qemuOverheadMiB();
        }
    }

    @Test
    void aGuestRebootEndsTheClonesQemu() throws IOException {
        try (RestoredClone clone = restore("run-reboot", QemuLauncher.processes(), true); SerialConsole console = console("run-reboot")) {
            GuestAnswer.ask(console, "ping", QemuTestSupport.ANSWER_TIMEOUT);
            CompletableFuture<QmpEvent> shutdown = clone.qmp().expectEvent("SHUTDOWN");
            clone.qmp().execute("inject-nmi"); // the guest panics and, with panic=-1, resets the machine itself
            QmpEvent event = clone.qmp().awaitEvent(shutdown, QemuTestSupport.ANSWER_TIMEOUT);
            assertEquals("guest-reset", event.data().path("reason").asText(), event.data().toString());
            assertTrue(event.data().path("guest").asBoolean(), "the guest asked for it");
            assertTrue(clone.process().waitForExit(QemuTestSupport.QMP_TIMEOUT), "QEMU ends instead of booting the stub");
            assertEquals(0, clone.process().exitCode().orElse(-1));
        }
    }
}
