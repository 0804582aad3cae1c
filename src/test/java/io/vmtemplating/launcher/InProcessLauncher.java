package io.vmtemplating.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmtemplating.qemu.MemoryBackends;
import io.vmtemplating.qemu.NodePaths;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The launcher run in this JVM ({@link Launcher#run}, milliseconds a run) with a pod's environment, in a directory of
 * its own, and a stand-in QEMU that records its argv and exits 1: whether QEMU was started, and with what, is then a
 * file. A clone's template files exist (empty), so a clone that gets past its spec checks does start QEMU instead of
 * stopping at "template files missing".
 */
final class InProcessLauncher {
    static final String QEMU_ARGV = "qemu-argv";

    /** @param qemuArgv what the stand-in QEMU recorded: empty when it was not started or was killed first */
    record Outcome(int exitCode, JsonNode termination, String stderr, boolean qemuStarted, List<String> qemuArgv) {
    }

    private InProcessLauncher() {
    }

    static Outcome template(Path dir, String templateJson) throws IOException {
        return run(dir, PodContract.MODE_TEMPLATE, templateJson, null, List.of());
    }

    /** @param templateBackends the template's memory backend ids, whose files are made */
    static Outcome clone(Path dir, String templateJson, String cloneJson, List<String> templateBackends) throws IOException {
        return run(dir, PodContract.MODE_CLONE, templateJson, cloneJson, templateBackends);
    }

    /** The backend ids of a template spec: one per NUMA node, else the single one. */
    static List<String> backends(JsonNode templateSpec) {
        int nodes = templateSpec.path("memory").path("numaNodes").size();
        return nodes == 0 ? List.of(MemoryBackends.SINGLE_BACKEND_ID)
                : java.util.stream.IntStream.range(0, nodes).mapToObj(i -> "ram-node" + i).toList();
    }

    private static Outcome run(Path dir, String mode, String templateJson, String cloneJson, List<String> backends) throws IOException {
        Files.createDirectories(dir);
        Path qemu = dir.resolve("qemu-system-x86_64");
        Files.writeString(qemu, "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + dir.resolve(QEMU_ARGV) + "'\nexit 1\n");
        Files.setPosixFilePermissions(qemu, PosixFilePermissions.fromString("rwx------"));
        NodePaths node = new NodePaths(dir.resolve("memory"), dir.resolve("state"), dir.resolve("run"));
        Files.createDirectories(node.memoryDir());
        Files.createDirectories(node.stateDir());
        for (String backend : backends) {
            Files.createFile(node.memoryFile(backend));
        }
        if (mode.equals(PodContract.MODE_CLONE)) {
            Files.createFile(node.stateFile());
            Files.writeString(node.metadataFile(), "{}");
        }
        Map<String, String> env = new HashMap<>();
        if (templateJson != null) {
            env.put(PodContract.ENV_TEMPLATE_SPEC, templateJson);
        }
        if (cloneJson != null) {
            env.put(PodContract.ENV_CLONE_SPEC, cloneJson);
        }
        String podIp = LauncherProcess.nextPodIp();
        env.put(PodContract.ENV_POD_IP, podIp);
        env.put(PortMap.ENV_PORT_MAP, PodContract.HTTP_PORT + "=" + io.vmtemplating.local.LoopbackPorts.free(podIp));
        env.put(LauncherContext.ENV_ACCEL, "tcg");
        // in place of the keeper's pipe: what a clone would tell it lands in a file
        env.put(KeeperChannel.ENV_CHANNEL, dir.resolve("keeper-channel").toString());
        env.put(LauncherContext.ENV_QEMU_BINARY, qemu.toString());
        env.put(PodPaths.ENV_PATH_MAP, String.join(":", PodContract.MEMORY_DIR + "=" + node.memoryDir(),
                PodContract.STATE_DIR + "=" + node.stateDir(), PodContract.RUN_DIR + "=" + node.runDir(),
                PodContract.BOOT_DIR + "=" + dir.resolve("boot"), PodContract.TERMINATION_MESSAGE_PATH + "=" + dir.resolve("termination-log")));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
             PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)) {
            exitCode = Launcher.run(new String[] {mode}, env, out, errStream);
        }
        Path termination = dir.resolve("termination-log");
        JsonNode result = Files.exists(termination) ? Json.MAPPER.readTree(termination.toFile()) : Json.MAPPER.nullNode();
        String stderr = err.toString(StandardCharsets.UTF_8);
        // the launcher prints its overhead line right after QEMU's exec
        boolean started = stderr.contains("launcher-overhead-ms=") || Files.exists(dir.resolve(QEMU_ARGV));
        return new Outcome(exitCode, result, stderr, started, started ? qemuArgv(dir.resolve(QEMU_ARGV)) : List.of());
    }

    /** What the stand-in QEMU recorded; the launcher may have killed it before it wrote (a clone fails its template check at once). */
    private static List<String> qemuArgv(Path argv) throws IOException {
        for (int i = 0; i < 50 && (!Files.exists(argv) || Files.size(argv) == 0); i++) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Files.exists(argv) ? Files.readAllLines(argv) : List.of();
    }
}
