package io.vmtemplating.launcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A template build's HTTP endpoint on POD_IP:8080, or the port a local node gave it (a clone's is the clone
 * keeper's). The JDK's server: no framework before or after QEMU starts. GETs are open (probes, status, metrics);
 * POSTs change the guest and need the operator's token ({@link LauncherToken}).
 */
final class LauncherHttp implements AutoCloseable {
    record Response(int status, String contentType, String body) {
        static Response json(int status, String body) {
            return new Response(status, "application/json", body);
        }

        static Response text(int status, String body) {
            return new Response(status, "text/plain; charset=utf-8", body);
        }
    }

    @FunctionalInterface
    interface Handler {
        Response handle() throws Exception;
    }

    /** A POST that reads its request body (at most {@link #MAX_BODY_BYTES}). */
    @FunctionalInterface
    interface BodyHandler {
        Response handle(byte[] body) throws Exception;
    }

    static final String NO_DELAY = "sun.net.httpserver.nodelay";

    /** A Secret holds at most 1 MiB; base64 and JSON around it stay under this. */
    static final int MAX_BODY_BYTES = 2 * 1024 * 1024;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Optional<LauncherToken> token;

    private LauncherHttp(HttpServer server, ExecutorService executor, Optional<LauncherToken> token) {
        this.server = server;
        this.executor = executor;
        this.token = token;
    }

    /** @param token empty when the pod mounts none: every POST is then refused */
    static LauncherHttp start(String host, int port, Optional<LauncherToken> token) throws IOException {
        // TCP_NODELAY on the accepted connections (the JDK server's default is off): it sends a response's headers
        // and its body as two writes, and with Nagle the body waits for the client's delayed ACK of the headers —
        // 40 ms for every request after the first on a kept-alive connection, e.g. the operator's status polls
        // (measured on clone launchers before the clone keeper: docs/pools.md). Read once, when the JDK's server
        // configuration loads.
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        // two threads: a slow /status (smaps of a big guest) must not hold up the readiness probe
        ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "launcher-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
        return new LauncherHttp(server, executor, token);
    }

    /** The port bound (the pod's 8080; a free one when started with 0). */
    int port() {
        return server.getAddress().getPort();
    }

    void post(String path, Handler handler) {
        route("POST", path, body -> handler.handle());
    }

    void post(String path, BodyHandler handler) {
        route("POST", path, handler);
    }

    void get(String path, Handler handler) {
        route("GET", path, body -> handler.handle());
    }

    private void route(String method, String path, BodyHandler handler) {
        server.createContext(path, exchange -> {
            try (exchange) {
                Response response;
                if (!exchange.getRequestURI().getPath().equals(path)) {
                    response = Response.text(404, "not found\n");
                } else if (!exchange.getRequestMethod().equals(method)) {
                    response = Response.text(405, method + " only\n");
                } else if (method.equals("POST") && !authorized(exchange)) {
                    response = Response.text(401, token.isEmpty()
                            ? "this launcher has no token (Secret " + PodContract.TOKEN_SECRET + " not mounted): it takes no commands\n"
                            : "only the operator may " + path.substring(1) + " this VM: Authorization: Bearer <token> is missing or wrong\n");
                } else {
                    try {
                        byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
                        response = body.length > MAX_BODY_BYTES ? Response.text(413, "request body over "
                                + MAX_BODY_BYTES + " bytes\n") : handler.handle(body);
                    } catch (Exception e) {
                        response = Response.text(500, e.getMessage() + "\n");
                    }
                }
                send(exchange, response);
            }
        });
    }

    private boolean authorized(HttpExchange exchange) {
        return token.isPresent() && token.get().admits(exchange.getRequestHeaders().getFirst("Authorization"));
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
