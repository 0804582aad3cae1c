package io.vmtemplating.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One tmpfs template (512 MiB, every device kind) booted and frozen once; clones and the pre-start checks use it. */
@Tag("qemu")
class TemplateCloneQemuTest {
    private static final long GUEST_MIB = 512;
    @TempDir
    static Path work;
    private static Path memoryRoot;
    private static QemuTestSupport.FrozenTemplate template;
    private static String templateMemoryMd5;

    @BeforeAll
    static void bootAndFreezeTemplate() throws IOException {
        memoryRoot = Files.createTempDirectory(Path.of("/dev/shm"), "vmt-test-");
        VmDefinition vm = new VmDefinition("q35", 1, GUEST_MIB, MemoryBackendKind.TMPFS, 0, List.of(), TestGuest.cloudKernel(),
                new VmDefinition.Network(true), new VmDefinition.Balloon(2), new VmDefinition.VirtioMem(256, 2), false, true, true,
                List.of(), List.of());
        NodePaths paths = new NodePaths(memoryRoot.resolve("t"), work.resolve("state"), work.resolve("run-template"));
        template = QemuTestSupport.bootAndFreeze("tmpfs", vm, paths, TestHost.facts());
        templateMemoryMd5 = QemuTestSupport.md5(paths.memoryFile("pc.ram"));
    }

    @AfterAll
    static void removeTemplateMemory() throws IOException {
        QemuTestSupport.deleteTree(memoryRoot);
    }

    @Test
    void freezeLeavesReadOnlyFilesAndMetadata() throws IOException {
        TemplateMetadata metadata = TemplateMetadata.read(template.paths().metadataFile());
        assertEquals(TestHost.facts().qemuVersion(), metadata.qemuVersion());
        assertEquals(List.of(new TemplateMetadata.MemoryFile("pc.ram", GUEST_MIB << 20)), metadata.memoryFiles());
        assertTrue(metadata.stateBytes() > 0 && metadata.stateBytes() < (GUEST_MIB << 20) / 8, "RAM stays out of the state");
        for (Path file : List.of(template.paths().memoryFile("pc.ram"), template.paths().stateFile())) {
            assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
        }
    }

    @Test
    void clonesContinueTheTemplateAndShareItsMemory() throws IOException {
        List<RestoredClone> clones = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                NodePaths paths = QemuTestSupport.clonePaths(template.paths(), work.resolve("run-clone-" + i));
                RestoredClone clone = new CloneRestorer(QemuLauncher.processes(), QemuTestSupport.QMP_TIMEOUT)
                        .restore(template.vm(), paths, TestHost.facts(), CloneAdditions.NONE);
                clones.add(clone);
                System.out.printf("[tmpfs] %s clone %d restored in %d ms (checks %d, QEMU start %d, load %d) vs cold boot %d ms%n",
                        TestHost.accelName(), i, clone.timings().restoreMillis(), clone.timings().checkMillis(),
                        clone.timings().startMillis(), clone.timings().loadMillis(), template.bootMillis());
                try (SerialConsole console = SerialConsole.connect(paths.serialSocket(), QemuTestSupport.QMP_TIMEOUT)) {
                    GuestAnswer answer = GuestAnswer.ask(console, "dirty 32", QemuTestSupport.ANSWER_TIMEOUT);
                    assertEquals(template.lastAnswer().counter() + 1, answer.counter(), "clone continues the template's counter");
                    assertTrue(answer.uptimeSeconds() > template.lastAnswer().uptimeSeconds(),
                            "uptime " + answer.uptimeSeconds() + " continues past the template's " + template.lastAnswer().uptimeSeconds());
                    assertEquals(template.lastAnswer().patternSum(), answer.patternSum(), "clone sees the template's memory");
                }
            }
            long guestKiB = GUEST_MIB * 1024;
            for (RestoredClone clone : clones) {
                long privateKiB = QemuTestSupport.privateKiB(clone.process().pid());
                System.out.printf("[tmpfs] clone pid %d private memory %d MiB of a %d MiB guest%n", clone.process().pid(),
                        privateKiB / 1024, GUEST_MIB);
                // generous: QEMU's own overhead (TCG's code cache included) plus the 32 MiB the clone dirtied
                assertTrue(privateKiB < guestKiB / 2, "clone private memory " + privateKiB + " KiB");
            }
        } finally {
            clones.forEach(RestoredClone::close);
        }
        assertEquals(templateMemoryMd5, QemuTestSupport.md5(template.paths().memoryFile("pc.ram")),
                "clones' writes stay private: the template file is unchanged");
    }

    @Test
    void cloneAdditionsGrowVirtioMemAndForwardPorts() throws IOException {
        int hostPort;
        try (ServerSocket free = new ServerSocket(0)) {
            hostPort = free.getLocalPort();
        }
        NodePaths paths = QemuTestSupport.clonePaths(template.paths(), work.resolve("run-additions"));
        CloneAdditions additions = new CloneAdditions(128, List.of(new CloneAdditions.PortForward("tcp", hostPort, 22)));
        try (RestoredClone clone = new CloneRestorer(QemuLauncher.processes(), QemuTestSupport.QMP_TIMEOUT)
                .restore(template.vm(), paths, TestHost.facts(), additions)) {
            assertEquals(128L << 20, clone.qmp().execute("qom-get",
                    Map.of("path", "/machine/peripheral/vmem0", "property", "requested-size")).asLong());
            assertTrue(clone.qmp().humanMonitorCommand("info usernet").contains(Integer.toString(hostPort)));
            assertEquals("running", clone.qmp().execute("query-status").path("status").asText());
            // events from a real QEMU: pause and resume the clone (VmClone spec.running=false/true)
            var stopped = clone.qmp().expectEvent("STOP");
            clone.qmp().execute("stop");
            clone.qmp().awaitEvent(stopped, QemuTestSupport.QMP_TIMEOUT);
            var resumed = clone.qmp().expectEvent("RESUME");
            clone.qmp().execute("cont");
            clone.qmp().awaitEvent(resumed, QemuTestSupport.QMP_TIMEOUT);
            var shutdown = clone.qmp().expectEvent("SHUTDOWN");
            clone.qmp().execute("quit");
            clone.qmp().awaitEvent(shutdown, QemuTestSupport.QMP_TIMEOUT);
            assertTrue(clone.process().waitForExit(QemuTestSupport.QMP_TIMEOUT), "QEMU exits after quit");
        }
    }

    @Test
    void cloneAskedToStayPausedRunsNoGuestCodeUntilCont() throws IOException {
        NodePaths paths = QemuTestSupport.clonePaths(template.paths(), work.resolve("run-paused"));
        try (RestoredClone clone = new CloneRestorer(QemuLauncher.processes(), QemuTestSupport.QMP_TIMEOUT)
                .restore(template.vm(), paths, TestHost.facts(), CloneAdditions.NONE, false)) {
            assertEquals("paused", clone.qmp().execute("query-status").path("status").asText());
            if (!TestHost.facts().kvmUsable()) {
                // TCG translates guest code before it runs it: no translated block means not one guest instruction ran
                assertEquals(0, translatedBlocks(clone), "a clone that stays paused runs no guest code");
            }
            clone.qmp().execute("cont");
            try (SerialConsole console = SerialConsole.connect(paths.serialSocket(), QemuTestSupport.QMP_TIMEOUT)) {
                GuestAnswer answer = GuestAnswer.ask(console, "hello", QemuTestSupport.ANSWER_TIMEOUT);
                assertEquals(template.lastAnswer().counter() + 1, answer.counter(), "after cont the guest continues the template");
            }
            if (!TestHost.facts().kvmUsable()) {
                assertTrue(translatedBlocks(clone) > 0, "the guest ran after cont");
            }
        }
    }

    private static long translatedBlocks(RestoredClone clone) {
        String jit = clone.qmp().humanMonitorCommand("info jit");
        java.util.regex.Matcher count = java.util.regex.Pattern.compile("TB count\\s+(\\d+)").matcher(jit);
        assertTrue(count.find(), jit);
        return Long.parseLong(count.group(1));
    }

    @Test
    void unprobedHostIsCheckedAgainstTheStartedQemusVersion() throws IOException {
        // a launcher does not run qemu --version: the restorer compares the version in the started QEMU's greeting
        Path state = Files.createDirectories(work.resolve("state-other-version"));
        Files.copy(template.paths().stateFile(), state.resolve(template.paths().stateFile().getFileName()));
        TemplateMetadata frozen = template.freeze().metadata();
        new TemplateMetadata("9.2.0", frozen.qemuPackage(), frozen.vmShapeSha256(), frozen.vmShape(), frozen.memoryFiles(),
                frozen.migrationCapabilities(), frozen.stateBytes(), frozen.bootMillis(), frozen.freezeMillis(), frozen.frozenAt())
                .write(state.resolve(template.paths().metadataFile().getFileName()));
        NodePaths paths = new NodePaths(template.paths().memoryDir(), state, work.resolve("run-other-version"));
        HostFacts unprobed = new HostFacts(TestHost.facts().qemuBinary(), TestHost.facts().kvmUsable(), HostFacts.VERSION_UNPROBED);
        List<QemuProcess> started = new ArrayList<>();
        QemuLauncher recording = (argv, p) -> {
            QemuProcess process = QemuLauncher.processes().start(argv, p);
            started.add(process);
            return process;
        };
        var e = assertThrows(TemplateMismatchException.class,
                () -> new CloneRestorer(recording, QemuTestSupport.QMP_TIMEOUT).restore(template.vm(), paths, unprobed, CloneAdditions.NONE));
        assertEquals("template was frozen by QEMU 9.2.0, this node has " + TestHost.facts().qemuVersion()
                + "; a saved VM state only loads into the QEMU version that wrote it: rebuild the template", e.getMessage());
        assertEquals(1, started.size());
        assertFalse(started.get(0).isAlive(), "the refused clone's QEMU is stopped");
    }

    @Test
    void cloneWithOtherMemorySizeFailsInOurCheckBeforeQemuStarts() {
        VmDefinition vm = template.vm();
        VmDefinition smaller = new VmDefinition(vm.machine(), vm.cpus(), 256, vm.backend(), 0, List.of(), vm.boot(), vm.network(),
                vm.balloon(), vm.virtioMem(), vm.vmgenid(), vm.rng(), vm.serialConsole(), vm.extraArgs(), vm.migrationCapabilities());
        assertRefusedBeforeStart(smaller, template.paths(), TestHost.facts(),
                "clone memory pc.ram is 256 MiB but the template was frozen with 512 MiB; a clone needs exactly its template's memory size");
    }

    @Test
    void otherQemuVersionFailsInOurCheckBeforeQemuStarts() {
        HostFacts older = new HostFacts(TestHost.facts().qemuBinary(), TestHost.facts().kvmUsable(), "9.2.0");
        assertRefusedBeforeStart(template.vm(), template.paths(), older, "template was frozen by QEMU " + TestHost.facts().qemuVersion()
                + ", this node has 9.2.0; a saved VM state only loads into the QEMU version that wrote it: rebuild the template");
    }

    @Test
    void missingTemplateMemoryFailsInOurCheckBeforeQemuStarts() throws IOException {
        Path emptyMemoryDir = Files.createDirectories(work.resolve("no-memory"));
        NodePaths paths = new NodePaths(emptyMemoryDir, template.paths().stateDir(), work.resolve("run-missing"));
        assertRefusedBeforeStart(template.vm(), paths, TestHost.facts(), "template memory file " + emptyMemoryDir.resolve("pc.ram")
                + " (backend pc.ram) is missing; the template's memory is gone from this node: rebuild the template");
    }

    @Test
    void otherDeviceSetFailsInOurCheckBeforeQemuStarts() {
        VmDefinition vm = template.vm();
        VmDefinition withVmgenid = new VmDefinition(vm.machine(), vm.cpus(), vm.memoryMiB(), vm.backend(), 0, List.of(), vm.boot(),
                vm.network(), vm.balloon(), vm.virtioMem(), true, vm.rng(), vm.serialConsole(), vm.extraArgs(), vm.migrationCapabilities());
        String message = assertRefusedBeforeStart(withVmgenid, template.paths(), TestHost.facts(), null);
        assertTrue(message.startsWith("clone VM shape differs from the template's (argument "), message);
        assertTrue(message.contains("clone has 'vmgenid,guid=auto'"), message);
    }

    private static String assertRefusedBeforeStart(VmDefinition vm, NodePaths paths, HostFacts host, String expectedMessage) {
        AtomicInteger starts = new AtomicInteger();
        QemuLauncher counting = (argv, p) -> {
            starts.incrementAndGet();
            return QemuLauncher.processes().start(argv, p);
        };
        NodePaths clonePaths = QemuTestSupport.clonePaths(paths, work.resolve("run-refused"));
        var e = assertThrows(TemplateMismatchException.class,
                () -> new CloneRestorer(counting, Duration.ofSeconds(10)).restore(vm, clonePaths, host, CloneAdditions.NONE));
        if (expectedMessage != null) {
            assertEquals(expectedMessage, e.getMessage());
        }
        assertEquals(0, starts.get(), "QEMU must not be started");
        assertFalse(Files.exists(clonePaths.qemuLog()));
        return e.getMessage();
    }
}
