package io.vmtemplating.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `vmt node`'s bad input: one line naming the flag and the fix, exit code 2, no stack trace. */
class NodeCommandTest {
    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Vmt.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Exit 2 and exactly this one line on stderr. */
    private static void assertBadInput(String expectedLine, Result result) {
        assertEquals(2, result.exit(), result.err());
        assertEquals(expectedLine + "\n", result.err());
        assertEquals("", result.out());
    }

    private Path kubeconfig(String server) throws Exception {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster: {server: "%s", insecure-skip-tls-verify: true}
                users:
                - name: u
                  user: {token: abc}
                contexts:
                - name: x
                  context: {cluster: c, user: u}
                current-context: x
                """.formatted(server));
        return file;
    }

    @Test
    void rootIsRequired() {
        assertBadInput("vmt node: --root DIR is missing: the directory the node keeps its pods' files and host paths in,"
                + " e.g. --root /dev/shm/vmt-node (tmpfs is best: template memory lives there)",
                run("node", "--kubeconfig", "/nonexistent"));
    }

    @Test
    void unknownOptionsAndMissingValues() {
        assertBadInput("vmt node: unknown option '--node-name'; usage: vmt node [--kubeconfig PATH] [--name NAME] --root DIR",
                run("node", "--node-name", "x"));
        assertBadInput("vmt node: --name needs a value: --name NAME", run("node", "--root", dir.toString(), "--name"));
    }

    @Test
    void nodeNameMustBeADnsName() {
        assertBadInput("vmt node: --name Local_Node: a node name is a lowercase DNS name (a-z, 0-9, '-', '.'),"
                + " e.g. --name local-node", run("node", "--root", dir.toString(), "--name", "Local_Node"));
    }

    @Test
    void anUnreadableKubeconfigIsNamed() {
        Path missing = dir.resolve("missing.kubeconfig");
        assertBadInput("vmt node: --kubeconfig " + missing + ": cannot read that file; pass the kubeconfig your cluster"
                + " wrote (make cluster prints where it is)", run("node", "--kubeconfig", missing.toString(), "--root", dir.toString()));
    }

    @Test
    void aFileThatIsNoKubeconfigIsNamed() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage"), "{ this is: [not yaml");
        Result result = run("node", "--kubeconfig", garbage.toString(), "--root", dir.toString());
        assertEquals(2, result.exit(), result.err());
        assertTrue(result.err().startsWith("vmt node: --kubeconfig " + garbage + ": not a usable kubeconfig ("), result.err());
        assertTrue(result.err().endsWith("); pass the kubeconfig your cluster wrote (make cluster prints where it is)\n"),
                result.err());
        assertEquals(1, result.err().lines().count(), result.err());
    }

    @Test
    void withoutKubeconfigOrKubeconfigVariable() {
        var e = assertThrows(ClusterConnection.BadInput.class, () -> NodeCommand.parse(new String[] {"--root", dir.toString()}, Map.of()));
        assertEquals("no cluster given: pass --kubeconfig PATH or set KUBECONFIG (make cluster prints where its kubeconfig is)",
                e.getMessage());
    }

    @Test
    void kubeconfigVariableIsUsedWhenTheFlagIsAbsent() throws Exception {
        Path file = kubeconfig("https://127.0.0.1:6443");
        var options = NodeCommand.parse(new String[] {"--root", dir.resolve("root").toString(), "--name", "edge-1"},
                Map.of("KUBECONFIG", file + ":/elsewhere/config"));
        assertTrue(options.cluster().config().getMasterUrl().startsWith("https://127.0.0.1:6443"), options.cluster().config().getMasterUrl());
        assertEquals("edge-1", options.nodeName());
        assertTrue(Files.isDirectory(dir.resolve("root")), "--root is created");
    }

    @Test
    void anApiServerThatIsDownIsSaidInOneLine() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path file = kubeconfig("https://127.0.0.1:" + port);
        long start = System.nanoTime();
        Result result = run("node", "--kubeconfig", file.toString(), "--root", dir.toString());
        assertBadInput("vmt node: cannot reach the API server at https://127.0.0.1:" + port + "/: Connection refused;"
                + " is the cluster up? (make cluster)", result);
        assertTrue(System.nanoTime() - start < 20_000_000_000L, "said within seconds, not after the client's retries");
    }
}
