package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.vmtemplating.launcher.PortMap;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One pod's container as a local process, the way a kubelet would run it: its command and environment, its
 * volumes at host directories under the node root, its log in a file, its termination message read at exit.
 * There are no mount namespaces here: the container learns where each mount really is from VMT_PATH_MAP.
 */
final class PodProcess {
    static final int TERMINATION_MESSAGE_LIMIT = 4096;
    private static final int LOG_TAIL_BYTES = 2048;

    private final Pod pod;
    private final Path podDir;
    private final Path log;
    private final Path terminationLog;
    private final String ip;
    private final PortMap ports;
    private Process process;
    private Instant startedAt;
    private volatile List<ProcessHandle> children = List.of();

    PodProcess(Pod pod, Path podDir, String ip, PortMap ports) {
        this.pod = pod;
        this.ports = ports;
        this.podDir = podDir;
        this.log = podDir.resolve("log");
        this.terminationLog = podDir.resolve("termination-log");
        this.ip = ip;
    }

    String ip() {
        return ip;
    }

    /** The node ports of its container ports (no network namespace here: {@link PortMap}). */
    PortMap ports() {
        return ports;
    }

    /** The pod's directory on the node: its log, termination message and emptyDir and projected volumes. */
    Path directory() {
        return podDir;
    }

    Path logFile() {
        return log;
    }

    /**
     * Resolves the pod's volumes on the node, writing the files of those the API server's objects make up; an
     * unusable volume is a reason the pod cannot start (yet).
     */
    static Map<String, Path> volumes(Pod pod, String ip, Path nodeRoot, Path podDir, VolumeFiles.Sources sources)
            throws VolumeException, IOException {
        Map<String, Path> hostDirs = new LinkedHashMap<>();
        for (Volume volume : pod.getSpec().getVolumes()) {
            if (volume.getHostPath() != null) {
                Path path = NodeRoot.onNode(nodeRoot, volume.getHostPath().getPath());
                String type = volume.getHostPath().getType() == null ? "" : volume.getHostPath().getType();
                switch (type) {
                    case "DirectoryOrCreate" -> Files.createDirectories(path);
                    case "Directory" -> require(Files.isDirectory(path), volume, path);
                    case "File" -> require(Files.isRegularFile(path), volume, path);
                    default -> { }
                }
                hostDirs.put(volume.getName(), path);
            } else if (volume.getEmptyDir() != null) {
                Path path = podDir.resolve("volumes").resolve(volume.getName());
                Files.createDirectories(path);
                hostDirs.put(volume.getName(), path);
            } else if (VolumeFiles.provides(volume)) {
                Path path = podDir.resolve("volumes").resolve(volume.getName());
                VolumeFiles.write(pod, ip, volume, path, sources);
                hostDirs.put(volume.getName(), path);
            } else {
                throw new VolumeException("volume " + volume.getName() + ": the local node mounts hostPath, emptyDir,"
                        + " configMap, secret, downwardAPI and projected volumes only");
            }
        }
        return hostDirs;
    }

    private static void require(boolean exists, Volume volume, Path path) throws VolumeException {
        if (!exists) {
            throw new VolumeException("MountVolume.SetUp failed for volume \"" + volume.getName() + "\": hostPath "
                    + volume.getHostPath().getPath() + " (" + path + ") is not a " + volume.getHostPath().getType());
        }
    }

    void start(List<String> entrypoint, Map<String, Path> volumes, Map<String, String> inheritedEnv) throws IOException {
        Container container = pod.getSpec().getContainers().get(0);
        List<String> command = new ArrayList<>(container.getCommand() == null || container.getCommand().isEmpty()
                ? entrypoint : container.getCommand());
        if (container.getArgs() != null) {
            command.addAll(container.getArgs());
        }
        Files.createDirectories(podDir);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(inheritedEnv);
        if (container.getEnv() != null) {
            for (EnvVar var : container.getEnv()) {
                env.put(var.getName(), value(var));
            }
        }
        env.put("VMT_PATH_MAP", pathMap(container, volumes));
        if (!ports.nodePorts().isEmpty()) {
            env.put(PortMap.ENV_PORT_MAP, ports.render());
        }
        Files.deleteIfExists(terminationLog);
        process = builder.start();
        startedAt = Instant.now();
    }

    /** podPath=hostPath pairs for every mount and the termination message file. */
    private String pathMap(Container container, Map<String, Path> volumes) {
        List<String> entries = new ArrayList<>();
        for (VolumeMount mount : container.getVolumeMounts()) {
            entries.add(mount.getMountPath() + "=" + volumes.get(mount.getName()));
        }
        String terminationPath = container.getTerminationMessagePath() == null
                ? "/dev/termination-log" : container.getTerminationMessagePath();
        entries.add(terminationPath + "=" + terminationLog);
        return String.join(":", entries);
    }

    private String value(EnvVar var) {
        if (var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null) {
            return DownwardApi.value(pod, ip, var.getValueFrom().getFieldRef().getFieldPath());
        }
        return var.getValue() == null ? "" : var.getValue();
    }

    long pid() {
        return process.pid();
    }

    /** When the process started (set by {@link #start}). */
    Instant startedAt() {
        return startedAt;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    /** SIGTERM, then SIGKILL after the grace period; children (QEMU) never outlive the pod. */
    void stop(Duration grace) {
        terminate();
        awaitStop(grace);
    }

    /**
     * SIGTERM now, the rest by {@link #awaitStop}: a node stopping many pods signals all before it waits for any.
     * The children are remembered here, while they are still the process's descendants (once it is gone they are
     * init's, and could not be found to be killed).
     */
    void terminate() {
        if (process == null) {
            return;
        }
        children = java.util.stream.Stream.concat(children.stream(), process.descendants()).distinct().toList();
        process.destroy();
    }

    /** Waits up to the grace period for the process after {@link #terminate}, then SIGKILLs it and its children. */
    void awaitStop(Duration grace) {
        if (process == null) {
            return;
        }
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Kills a container process an earlier run of the node started and lost (the node was killed): the process with
     * that id, if it is still there and started when the pod's status says (a recycled pid started later).
     *
     * @return whether such a process was found
     */
    static boolean killStray(String containerId, Instant startedAt) {
        if (containerId == null || !containerId.matches(java.util.regex.Pattern.quote(ContainerRun.ID_PREFIX) + "\\d+")) {
            return false;
        }
        return ProcessHandle.of(Long.parseLong(containerId.substring(ContainerRun.ID_PREFIX.length())))
                .filter(ProcessHandle::isAlive)
                // the status holds whole seconds
                .filter(h -> h.info().startInstant().map(s -> !s.isBefore(startedAt.minusSeconds(1))
                        && s.isBefore(startedAt.plusSeconds(2))).orElse(false))
                .map(h -> {
                    h.descendants().forEach(ProcessHandle::destroyForcibly);
                    h.destroyForcibly();
                    return true;
                }).orElse(false);
    }

    /** The container's termination message: the file, or with FallbackToLogsOnError the log tail of a failure. */
    String terminationMessage(int exitCode) throws IOException {
        String message = Files.exists(terminationLog) ? readTail(terminationLog, TERMINATION_MESSAGE_LIMIT) : "";
        Container container = pod.getSpec().getContainers().get(0);
        if (message.isBlank() && exitCode != 0 && "FallbackToLogsOnError".equals(container.getTerminationMessagePolicy())) {
            message = readTail(log, LOG_TAIL_BYTES);
        }
        return message;
    }

    private static String readTail(Path file, int maxBytes) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, in.length() - maxBytes);
            byte[] bytes = new byte[(int) (in.length() - start)];
            in.seek(start);
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** A pod volume the local node cannot provide: the pod stays pending with this message, as with a kubelet. */
    static final class VolumeException extends Exception {
        VolumeException(String message) {
            super(message);
        }
    }
}
