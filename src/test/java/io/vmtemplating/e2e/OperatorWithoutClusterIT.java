package io.vmtemplating.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged operator ({@code vmt operator} runs this jar) on a machine without a usable cluster: one line naming
 * the fix, exit code 1, in seconds; no Quarkus start, no stack trace. Needs no control plane.
 */
class OperatorWithoutClusterIT {
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    @TempDir
    Path home;

    private record Outcome(int exitCode, List<String> lines, long millis) {
    }

    private Outcome operator(Map<String, String> env) throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by `mvn package`");
        Path output = home.resolve("output");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + home, "-jar", JAR.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv("PATH"));
        builder.environment().put("HOME", home.toString());
        builder.environment().putAll(env);
        long started = System.nanoTime();
        Process process = builder.start();
        try {
            // a guard against a hang, not the claim: the time is printed
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("the operator still runs after 60 s: " + Files.readString(output));
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            List<String> lines = Files.readString(output, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
            System.out.printf("operator exited %d after %d ms, %d line(s): %s%n", process.exitValue(), millis, lines.size(), lines);
            return new Outcome(process.exitValue(), lines, millis);
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    @Test
    void noKubeconfigAndNoServiceAccount() throws Exception {
        Outcome outcome = operator(Map.of());
        assertEquals(1, outcome.exitCode());
        assertEquals(List.of("vmt operator: no kubeconfig or in-cluster credentials found; set KUBECONFIG to your"
                + " cluster's kubeconfig (make cluster prints where it is)"), outcome.lines());
    }

    @Test
    void anApiServerThatIsDown() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        Path kubeconfig = home.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:%d"}}]
                users: [{name: u, user: {token: t}}]
                contexts: [{name: c, context: {cluster: c, user: u}}]
                current-context: c
                """.formatted(port));
        Outcome outcome = operator(Map.of("KUBECONFIG", kubeconfig.toString()));
        assertEquals(1, outcome.exitCode());
        assertEquals(1, outcome.lines().size(), outcome.lines().toString());
        assertTrue(outcome.lines().get(0).startsWith("vmt operator: cannot reach the API server at https://127.0.0.1:" + port),
                outcome.lines().get(0));
    }
}
