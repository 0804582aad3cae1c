package io.vmtemplating.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A template on 2 MiB huge pages and two clones (reserve=off). Reserves the pages through /proc/sys/vm/nr_hugepages
 * (tests run as root), mounts a hugetlbfs when none is mounted, and gives both back afterwards. Skips, saying why,
 * only when the kernel cannot provide the pages.
 */
@Tag("qemu")
class HugetlbfsQemuTest {
    private static final long GUEST_MIB = 256;
    /** template pages plus room for the clones' copy-on-write pages, which come from the free pool at fault time */
    private static final long PAGES_NEEDED = GUEST_MIB / 2 + 2 * 64;
    private static final Path NR_HUGEPAGES = Path.of("/proc/sys/vm/nr_hugepages");
    @TempDir
    static Path work;
    private static long originalPages = -1;
    private static FileChannel poolLock;
    private static FileLock poolLockHeld;
    private static Path mountedByUs;
    private static Path memoryRoot;
    private static QemuTestSupport.FrozenTemplate template;

    @BeforeAll
    static void reservePagesAndFreezeTemplate() throws IOException, InterruptedException {
        assumeTrue(Files.isWritable(NR_HUGEPAGES), "cannot reserve huge pages: " + NR_HUGEPAGES + " is not writable (tests must run as root)");
        // the pool is machine-wide: concurrent test runs (other worktrees) take turns, or one would shrink it under the other
        poolLock = FileChannel.open(Path.of(System.getProperty("java.io.tmpdir"), "vmtemplating-hugepages.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long lockDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while ((poolLockHeld = poolLock.tryLock()) == null) {
            if (System.nanoTime() > lockDeadline) {
                throw new IllegalStateException("another test run held the huge page pool lock for 10 minutes");
            }
            Thread.sleep(200);
        }
        originalPages = Long.parseLong(Files.readString(NR_HUGEPAGES).strip());
        Files.writeString(NR_HUGEPAGES, Long.toString(originalPages + PAGES_NEEDED));
        long free = meminfo("HugePages_Free");
        assumeTrue(free >= PAGES_NEEDED, "cannot reserve huge pages: asked the kernel for " + PAGES_NEEDED
                + " more 2 MiB pages, " + free + " are free (memory too fragmented or too small)");
        Path mount = findHugetlbfs2M();
        if (mount == null) {
            mountedByUs = Files.createDirectories(work.resolve("hugepages"));
            run("mount", "-t", "hugetlbfs", "-o", "pagesize=2M", "vmt-test", mountedByUs.toString());
            mount = mountedByUs;
        }
        memoryRoot = Files.createTempDirectory(mount, "vmt-test-");
        VmDefinition vm = new VmDefinition("q35", 1, GUEST_MIB, MemoryBackendKind.HUGETLBFS, 2048, List.of(), TestGuest.cloudKernel(),
                new VmDefinition.Network(false), null, null, false, false, true, List.of(), List.of());
        NodePaths paths = new NodePaths(memoryRoot.resolve("t"), work.resolve("state"), work.resolve("run-template"));
        template = QemuTestSupport.bootAndFreeze("hugetlbfs", vm, paths, TestHost.facts());
    }

    @AfterAll
    static void releasePages() throws IOException, InterruptedException {
        if (memoryRoot != null) {
            QemuTestSupport.deleteTree(memoryRoot);
        }
        if (mountedByUs != null) {
            run("umount", mountedByUs.toString());
        }
        if (originalPages >= 0) {
            Files.writeString(NR_HUGEPAGES, Long.toString(originalPages));
        }
        if (poolLockHeld != null) {
            poolLockHeld.release();
        }
        if (poolLock != null) {
            poolLock.close();
        }
    }

    @Test
    void twoClonesRestoreFromHugePages() throws IOException {
        assertEquals(GUEST_MIB << 20, Files.size(template.paths().memoryFile("pc.ram")));
        List<RestoredClone> clones = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                NodePaths paths = QemuTestSupport.clonePaths(template.paths(), work.resolve("run-clone-" + i));
                RestoredClone clone = new CloneRestorer(QemuLauncher.processes(), QemuTestSupport.QMP_TIMEOUT)
                        .restore(template.vm(), paths, TestHost.facts(), CloneAdditions.NONE);
                clones.add(clone);
                System.out.printf("[hugetlbfs] %s clone %d restored in %d ms vs cold boot %d ms%n", TestHost.accelName(), i,
                        clone.timings().restoreMillis(), template.bootMillis());
                try (SerialConsole console = SerialConsole.connect(paths.serialSocket(), QemuTestSupport.QMP_TIMEOUT)) {
                    GuestAnswer answer = GuestAnswer.ask(console, "dirty 16", QemuTestSupport.ANSWER_TIMEOUT);
                    assertEquals(template.lastAnswer().counter() + 1, answer.counter());
                    assertEquals(template.lastAnswer().patternSum(), answer.patternSum());
                }
            }
            System.out.printf("[hugetlbfs] with 2 clones running: HugePages_Free %d of %d%n", meminfo("HugePages_Free"), meminfo("HugePages_Total"));
        } finally {
            clones.forEach(RestoredClone::close);
        }
    }

    private static Path findHugetlbfs2M() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            String[] fields = line.split(" ");
            boolean twoMiB = !fields[3].contains("pagesize=") || fields[3].contains("pagesize=2M");
            if (fields[2].equals("hugetlbfs") && twoMiB && Files.isWritable(Path.of(fields[1]))) {
                return Path.of(fields[1]);
            }
        }
        return null;
    }

    private static long meminfo(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException(key + " not in /proc/meminfo");
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed");
        }
    }
}
