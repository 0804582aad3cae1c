package io.vmtemplating.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** `vmt run`: its errors, and a denied object through the embedded API server (no VM needs to boot). */
class RunCommandTest {

    private record Result(int exit, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Vmt.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withoutInputItSaysHowToCallIt() {
        Result result = run("run");
        assertEquals(1, result.exit());
        assertTrue(result.err().contains("usage: vmt run -f FILE|DIR"), result.err());
    }

    @Test
    void aMissingFileIsNamed() {
        Result result = run("run", "-f", "samples/no-such.yaml", "--once");
        assertEquals(1, result.exit());
        assertTrue(result.err().contains("samples/no-such.yaml: no such file or directory"), result.err());
    }

    @Test
    void aDeniedObjectIsShownWithTheWebhookMessageAndNotStored() {
        Result result = run("run", "-f", "samples/rejected/vhost-user-device.yaml", "--once", "-o", "json");
        assertEquals(1, result.exit(), result.out() + result.err());
        assertTrue(result.err().contains("admission webhook \"vmtemplates.vmtemplating.io\" denied the request"), result.err());
        assertTrue(result.err().contains("spec.devices.vhostUser[0]"), result.err());
    }

    @Test
    void anUnreadableKubeconfigIsNamedWithTheFix() {
        Result result = run("run", "-f", "samples/demo/clone-1.yaml", "--kubeconfig", "/no/such/kubeconfig");
        assertEquals(1, result.exit());
        assertTrue(result.err().startsWith("vmt run: --kubeconfig /no/such/kubeconfig: cannot read that file"), result.err());
        assertTrue(result.err().contains("make cluster"), result.err());
        assertEquals(1, result.err().strip().lines().count(), "one line, no stack trace: " + result.err());
    }

    @Test
    void anUnreachableApiServerIsOneLine() throws Exception {
        java.nio.file.Path kubeconfig = java.nio.file.Files.createTempFile("vmt-run", ".kubeconfig");
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        java.nio.file.Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:%d", insecure-skip-tls-verify: true}}]
                users: [{name: u, user: {token: t}}]
                contexts: [{name: c, context: {cluster: c, user: u}}]
                current-context: c
                """.formatted(port));
        try {
            Result result = run("run", "-f", "samples/demo/clone-1.yaml", "--kubeconfig", kubeconfig.toString());
            assertEquals(1, result.exit());
            assertTrue(result.err().contains("cannot reach the API server at https://127.0.0.1:" + port), result.err());
            assertTrue(result.err().contains("is the cluster up? (make cluster)"), result.err());
            assertEquals(1, result.err().strip().lines().count(), "one line, no stack trace: " + result.err());
        } finally {
            java.nio.file.Files.deleteIfExists(kubeconfig);
        }
    }

    @Test
    void aNamespaceWithoutKubeconfigIsRefused() {
        Result result = run("run", "-f", "samples/demo/clone-1.yaml", "-n", "other");
        assertEquals(1, result.exit());
        assertTrue(result.err().contains("-n needs --kubeconfig"), result.err());
    }
}
