package io.vmtemplating.launcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The launcher's HTTP endpoint on POD_IP:8080, or the port a local node gave it (the JDK's server: no framework before or after QEMU starts). */
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

    private final HttpServer server;
    private final ExecutorService executor;

    private LauncherHttp(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static LauncherHttp start(String host, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        // two threads: a slow /status (smaps of a big guest) must not hold up the readiness probe
        ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "launcher-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
        return new LauncherHttp(server, executor);
    }

    void get(String path, Handler handler) {
        route("GET", path, handler);
    }

    void post(String path, Handler handler) {
        route("POST", path, handler);
    }

    private void route(String method, String path, Handler handler) {
        server.createContext(path, exchange -> {
            try (exchange) {
                Response response;
                if (!exchange.getRequestURI().getPath().equals(path)) {
                    response = Response.text(404, "not found\n");
                } else if (!exchange.getRequestMethod().equals(method)) {
                    response = Response.text(405, method + " only\n");
                } else {
                    try {
                        response = handler.handle();
                    } catch (Exception e) {
                        response = Response.text(500, e.getMessage() + "\n");
                    }
                }
                send(exchange, response);
            }
        });
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
