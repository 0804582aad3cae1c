package io.vmtemplating.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** One launcher run as its own process, the way a pod runs it: {@code java ... Vmt launcher <mode>} with env. */
final class LauncherProcess implements AutoCloseable {
    private static final AtomicInteger NEXT_IP = new AtomicInteger(20 + (int) (ProcessHandle.current().pid() % 100));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Process process;
    final Path dir;
    final String podIp;
    /** Where its HTTP endpoint listens: a free port, as the local node gives it (8080 may be anyone's). */
    final int httpPort;

    private LauncherProcess(Process process, Path dir, String podIp, int httpPort) {
        this.process = process;
        this.dir = dir;
        this.podIp = podIp;
        this.httpPort = httpPort;
    }

    /** The token every test launcher gets in its Secret volume. */
    static final String TOKEN = "test-token-" + java.util.UUID.randomUUID();

    /** A distinct 127.0.0.x per process, as the local node gives each pod. */
    static String nextPodIp() {
        return "127.0.0." + (NEXT_IP.getAndIncrement() % 200 + 20);
    }

    /** @param dir receives stdout, stderr and (through the path map) the termination message */
    static LauncherProcess start(String mode, Map<String, String> env, String pathMap, Path dir) throws IOException {
        return start(LauncherJvm.entrypoint(), mode, env, pathMap, dir);
    }

    /** @param entrypoint the command before {@code launcher <mode>}, e.g. {@link LauncherJvm#entrypoint()} as another user */
    static LauncherProcess start(List<String> entrypoint, String mode, Map<String, String> env, String pathMap, Path dir)
            throws IOException {
        Files.createDirectories(dir);
        String podIp = nextPodIp();
        List<String> command = new ArrayList<>(entrypoint);
        command.addAll(List.of("launcher", mode));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("VMT_") || k.equals("POD_IP"));
        builder.environment().putAll(env);
        builder.environment().put("POD_IP", podIp);
        int httpPort = io.vmtemplating.local.LoopbackPorts.free(podIp);
        builder.environment().put(PortMap.ENV_PORT_MAP, PodContract.HTTP_PORT + "=" + httpPort);
        // the namespace's launcher token, as the operator's Secret volume would hold it
        Path tokenDir = Files.createDirectories(dir.resolve("launcher-token"));
        Files.writeString(tokenDir.resolve("token"), TOKEN + "\n");
        builder.environment().put("VMT_PATH_MAP", pathMap + ":/dev/termination-log=" + dir.resolve("termination-log")
                + ":/vmt/launcher-token=" + tokenDir);
        return new LauncherProcess(builder.start(), dir, podIp, httpPort);
    }

    int waitForExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("launcher did not exit within " + timeout + "; stderr: " + stderr());
        }
        return process.exitValue();
    }

    JsonNode terminationMessage() throws IOException {
        return Json.MAPPER.readTree(dir.resolve("termination-log").toFile());
    }

    String stderr() {
        return read("stderr");
    }

    String stdout() {
        return read("stdout");
    }

    private String read(String name) {
        try {
            return Files.readString(dir.resolve(name));
        } catch (IOException e) {
            return "";
        }
    }

    /** The launcher's QEMU child, if it has one now. */
    Optional<ProcessHandle> qemu() {
        // the JVM's child under the keeper, the keeper's own once a clone's JVM handed it over and exited
        return process.toHandle().descendants().filter(child -> child.info().command().orElse("").contains("qemu")).findFirst();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + podIp + ":" + httpPort + path)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A POST as the operator sends it, with the token. */
    HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return post(path, "Bearer " + TOKEN);
    }

    /** @param authorization the Authorization header, or null for none */
    HttpResponse<String> post(String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + podIp + ":" + httpPort + path)).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A POST with a JSON body and the operator's token (POST /claim-data). */
    HttpResponse<String> post(String path, String json, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + podIp + ":" + httpPort + path)).timeout(timeout)
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Polls /healthz until 200; fails with the launcher's stderr when it exits or the time runs out. */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("launcher exited with " + process.exitValue() + " before ready; stderr: " + stderr());
            }
            try {
                if (get("/healthz").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new AssertionError("launcher not ready within " + timeout + "; stderr: " + stderr());
    }

    @Override
    public void close() {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
