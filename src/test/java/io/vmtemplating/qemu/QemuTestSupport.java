package io.vmtemplating.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

/** Boots and freezes templates, restores clones, measures: the pieces the real-QEMU test classes share. */
final class QemuTestSupport {
    static final Duration BOOT_TIMEOUT = Duration.ofSeconds(180); // TCG on a busy 2-core machine
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
    static final Duration QMP_TIMEOUT = Duration.ofSeconds(30);

    private QemuTestSupport() {
    }

    /** A frozen template: the guest's last answer before the freeze and how long boot and freeze took. */
    record FrozenTemplate(VmDefinition vm, NodePaths paths, GuestAnswer lastAnswer, long bootMillis, FreezeResult freeze) {
    }

    static FrozenTemplate bootAndFreeze(String name, VmDefinition vm, NodePaths paths, HostFacts host) throws IOException {
        GuestAnswer[] lastAnswer = new GuestAnswer[1];
        FreezeResult freeze = TemplateBoot.bootAndFreeze(vm, paths, host, "GUEST-READY", BOOT_TIMEOUT, QMP_TIMEOUT,
                console -> lastAnswer[0] = GuestAnswer.ask(console, "ping", ANSWER_TIMEOUT));
        long bootMillis = freeze.metadata().bootMillis();
        System.out.printf("[%s] %s cold boot to ready %d ms, freeze %d ms, state %d KiB%n", name, TestHost.accelName(),
                bootMillis, freeze.freezeMillis(), freeze.metadata().stateBytes() / 1024);
        return new FrozenTemplate(vm, paths, lastAnswer[0], bootMillis, freeze);
    }

    /** A template whose memory is in a directory of its own under /dev/shm (removed by {@link #removeMemory}). */
    static FrozenTemplate bootAndFreezeInShm(String name, VmDefinition vm, Path work) throws IOException {
        Path memoryRoot = Files.createTempDirectory(Path.of("/dev/shm"), "vmt-test-");
        NodePaths paths = new NodePaths(memoryRoot.resolve("t"), work.resolve("state"), work.resolve("run-template"));
        try {
            return bootAndFreeze(name, vm, paths, TestHost.facts());
        } catch (IOException | RuntimeException e) {
            deleteTree(memoryRoot);
            throw e;
        }
    }

    static void removeMemory(FrozenTemplate template) throws IOException {
        if (template != null) {
            deleteTree(template.paths().memoryDir().getParent());
        }
    }

    static NodePaths clonePaths(NodePaths template, Path runDir) {
        return new NodePaths(template.memoryDir(), template.stateDir(), runDir);
    }

    static String md5(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            byte[] buffer = new byte[1 << 20];
            int read;
            while ((read = in.read(buffer)) > 0) {
                digest.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Private_Clean + Private_Dirty (+ Private_Hugetlb) of a process, in KiB. */
    static long privateKiB(long pid) throws IOException {
        long total = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
            if (line.startsWith("Private_Clean:") || line.startsWith("Private_Dirty:") || line.startsWith("Private_Hugetlb:")) {
                total += Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return total;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var files = Files.walk(root)) {
            for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
