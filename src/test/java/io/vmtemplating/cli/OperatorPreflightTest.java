package io.vmtemplating.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `vmt operator` says before Quarkus starts when it has no cluster to run against: one line naming the fix. */
class OperatorPreflightTest {
    @TempDir
    Path home;

    private Optional<String> problem(Map<String, String> env) {
        long started = System.nanoTime();
        Optional<String> problem = OperatorPreflight.problem(env, home, home.resolve("no-service-account-token"));
        System.out.printf("preflight answered in %d ms: %s%n", (System.nanoTime() - started) / 1_000_000, problem.orElse("ok"));
        return problem;
    }

    private Path kubeconfig(String server) throws Exception {
        Path file = home.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "%s"}}]
                users: [{name: u, user: {token: not-a-valid-token}}]
                contexts: [{name: c, context: {cluster: c, user: u}}]
                current-context: c
                """.formatted(server));
        return file;
    }

    /** An API server that answers every request with this status code and a Kubernetes Status body. */
    private static HttpServer apiServer(int code) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":" + code + "}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(code, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    @Test
    void noCredentialsAnywhere() {
        assertEquals(Optional.of("no kubeconfig or in-cluster credentials found; set KUBECONFIG to your cluster's"
                + " kubeconfig (make cluster prints where it is)"), problem(Map.of()));
    }

    @Test
    void anUnreachableApiServer() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        Path file = kubeconfig("https://127.0.0.1:" + port);
        String line = problem(Map.of("KUBECONFIG", file.toString())).orElseThrow();
        assertTrue(line.startsWith("cannot reach the API server at https://127.0.0.1:" + port), line);
        assertTrue(line.endsWith("is the cluster up? (make cluster)"), line);
    }

    @Test
    void credentialsTheApiServerRefuses() throws Exception {
        HttpServer server = apiServer(401);
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            Path file = kubeconfig(url);
            assertEquals(Optional.of("the API server at " + url + "/ did not accept the credentials of KUBECONFIG=" + file
                    + " (HTTP 401); pass the kubeconfig your cluster wrote"), problem(Map.of("KUBECONFIG", file.toString())));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aClusterWithoutTheCrds() throws Exception {
        HttpServer server = apiServer(404);
        try {
            Path file = kubeconfig("http://127.0.0.1:" + server.getAddress().getPort());
            assertEquals(Optional.of("the cluster has no VmTemplate resource: install the CRDs (kubectl apply -f crds/)"),
                    problem(Map.of("KUBECONFIG", file.toString())));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theUsersOwnKubeconfigCounts() throws Exception {
        Path kube = Files.createDirectories(home.resolve(".kube"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.move(kubeconfig("https://127.0.0.1:" + port), kube.resolve("config"));
        String line = problem(Map.of()).orElseThrow();
        assertTrue(line.startsWith("cannot reach the API server at https://127.0.0.1:" + port), line);
    }
}
