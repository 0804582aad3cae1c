package io.vmtemplating.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.launcher.PodContract;
import io.vmtemplating.launcher.PodPaths;
import io.vmtemplating.launcher.PortMap;
import io.vmtemplating.local.LocalSession;
import io.vmtemplating.local.LoopbackPorts;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The launcher alone, started the way a pod starts it ({@code vmt launcher …}, the vmt script with its AppCDS archive)
 * but without the local cluster's API server and operator on the same two cores: one template built by
 * {@code vmt launcher template}, then clones started one after another by {@code vmt launcher clone}, each measured
 * from its own report (/status and the overhead line on stderr) and stopped with SIGTERM before the next starts.
 */
final class LauncherBench {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Duration SETTLE = Duration.ofSeconds(1);
    private static final Pattern OVERHEAD_LINE = Pattern.compile("launcher-overhead-ms=(\\d+) \\(to main (\\d+),");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static int nextAddress = 1;

    /**
     * @param overheadMillis process start → QEMU exec
     * @param toMainMillis   process start → the launcher's main (shell entry and JVM start)
     * @param restoreMillis  process start → guest running
     */
    record Sample(long overheadMillis, long toMainMillis, long restoreMillis) {
    }

    /** The launcher's stderr line: process start → QEMU exec, and the part of it before main. */
    private record OverheadLine(long overheadMillis, long toMainMillis) {
    }

    record Result(long templateOverheadMillis, List<Sample> clones) {
    }

    private LauncherBench() {
    }

    /** The demo template's boot files as the launcher finds them: regular files in one directory (no links out). */
    private static Path bootFiles(Path guestBuild, Path dir) throws IOException {
        Path guestDir = Files.createDirectories(dir.resolve("guest"));
        Files.copy(guestBuild.resolve("vmlinuz-cloud"), guestDir.resolve("vmlinuz"));
        Files.copy(guestBuild.resolve("initrd.gz"), guestDir.resolve("initrd.gz"));
        return guestDir;
    }

    static Result run(int clones, PrintStream err) throws Exception {
        Path home = LocalSession.home();
        Path guest = LocalSession.buildGuest(home);
        VmTemplate template = (VmTemplate) LocalSession.read(List.of(home.resolve("samples/demo/template.yaml"))).get(0);
        try (Scratch scratch = Scratch.create("vmt-launcher-bench-", err)) {
            Path dir = scratch.dir();
            String shared = String.join(":", PodContract.MEMORY_DIR + "=" + Files.createDirectories(dir.resolve("memory")),
                    PodContract.STATE_DIR + "=" + Files.createDirectories(dir.resolve("state")),
                    PodContract.bootVolume("kernel") + "=" + bootFiles(guest, dir),
                    PodContract.bootVolume("initrd") + "=" + dir.resolve("guest"));
            Map<String, String> env = Map.of(PodContract.ENV_TEMPLATE_SPEC, Serialization.asJson(template.getSpec()),
                    PodContract.ENV_CLONE_SPEC, "{\"templateRef\":{\"name\":\"demo\"}}", "VMT_ACCEL", VmBench.accel());
            err.println("launcher: building a template with vmt launcher template ...");
            Process build = start(home, "template", env, shared, dir.resolve("template"));
            scratch.stopAtEnd(build);
            if (!build.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS) || build.exitValue() != 0) {
                build.destroyForcibly();
                throw new IOException("vmt launcher template failed: " + Files.readString(dir.resolve("template/termination-log")));
            }
            long templateOverhead = overhead(dir.resolve("template")).overheadMillis();
            List<Sample> samples = new ArrayList<>();
            for (int i = 0; i < clones; i++) {
                Thread.sleep(SETTLE.toMillis()); // the previous clone's QEMU gone, this JVM's compiler idle
                samples.add(clone(scratch, home, env, shared, dir.resolve("clone-" + i)));
                Sample s = samples.get(i);
                err.printf("launcher: clone %d: overhead %d ms (to main %d), running after %d ms%n", i + 1, s.overheadMillis(),
                        s.toMainMillis(), s.restoreMillis());
            }
            return new Result(templateOverhead, samples);
        }
    }

    private static Sample clone(Scratch scratch, Path home, Map<String, String> env, String shared, Path dir) throws Exception {
        Process clone = start(home, "clone", env, shared, dir);
        try (Teardown.Registration stop = scratch.stopAtEnd(clone)) {
            String address = Files.readString(dir.resolve("pod-address"));
            JsonNode status = awaitRunning(clone, address, dir);
            clone.destroy(); // SIGTERM: QEMU quits
            if (!clone.waitFor(30, TimeUnit.SECONDS)) {
                throw new IOException("the clone launcher did not exit after SIGTERM");
            }
            return new Sample(status.path("launcherOverheadMillis").asLong(), overhead(dir).toMainMillis(), status.path("restoreMillis").asLong());
        }
    }

    /** @param address the launcher's ip:port */
    private static JsonNode awaitRunning(Process clone, String address, Path dir) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && clone.isAlive()) {
            try {
                HttpResponse<String> status = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address
                        + PodContract.PATH_STATUS)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode json = JSON.readTree(status.body());
                if (json.path("state").asText().equals("running")) {
                    return json;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IOException("the clone launcher did not report running: " + Files.readString(dir.resolve("stderr")));
    }

    /** The overhead line the launcher prints on stderr (its breakdown is only there). */
    private static OverheadLine overhead(Path dir) throws IOException {
        Matcher line = OVERHEAD_LINE.matcher(Files.readString(dir.resolve("stderr")));
        if (!line.find()) {
            throw new IOException("no launcher-overhead-ms line in " + dir.resolve("stderr"));
        }
        return new OverheadLine(Long.parseLong(line.group(1)), Long.parseLong(line.group(2)));
    }

    /**
     * {@code vmt launcher <mode>} with the pod's environment, on a free port as on the local node; stdout, stderr, the
     * termination message and the launcher's address in dir.
     */
    private static Process start(Path home, String mode, Map<String, String> env, String shared, Path dir) throws IOException {
        Files.createDirectories(dir);
        String ip = nextAddress();
        int port = LoopbackPorts.free(ip);
        Files.writeString(dir.resolve("pod-address"), ip + ":" + port);
        ProcessBuilder builder = new ProcessBuilder(home.resolve("vmt").toString(), PodContract.ARG_LAUNCHER, mode)
                .redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
        builder.environment().putAll(env);
        builder.environment().put(PodContract.ENV_POD_IP, ip);
        builder.environment().put(PortMap.ENV_PORT_MAP, new PortMap(Map.of(PodContract.HTTP_PORT, port)).render());
        builder.environment().put(PodPaths.ENV_PATH_MAP, shared + ":" + PodContract.RUN_DIR + "=" + dir.resolve("run") + ":"
                + PodContract.TERMINATION_MESSAGE_PATH + "=" + dir.resolve("termination-log"));
        return builder.start();
    }

    /** A new address per launcher, as the local node gives each pod its own. */
    private static String nextAddress() {
        if (nextAddress >= 254) {
            throw new IllegalStateException("no loopback address left in 127.0.253.0/24");
        }
        return "127.0.253." + nextAddress++;
    }
}
