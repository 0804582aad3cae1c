package io.vmtemplating.reconciler;

import com.sun.net.httpserver.HttpServer;
import io.vmtemplating.launcher.PodContract;
import io.vmtemplating.launcher.PortMap;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Answers the launcher's HTTP contract on a loopback address where a clone pod's launcher would listen. The
 * mock API server runs no pods; the real launcher is exercised by the launcher and end-to-end tests.
 */
final class StandInLauncher implements AutoCloseable {
    private final HttpServer server;
    final List<String> actions = new CopyOnWriteArrayList<>();
    /** The Authorization header of each action, in order. */
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile String state = "running";
    private final java.util.concurrent.atomic.AtomicLong privateMiB = new java.util.concurrent.atomic.AtomicLong(30);
    private volatile long privateGrowthPerStatus;
    final java.util.concurrent.atomic.AtomicInteger statusRequests = new java.util.concurrent.atomic.AtomicInteger();

    /** Listens on a free port of ip, as a launcher on the local node does (8080 may be anyone's). */
    StandInLauncher(String ip) throws IOException {
        server = HttpServer.create(new InetSocketAddress(ip, 0), 0);
        server.createContext("/status", exchange -> {
            statusRequests.incrementAndGet();
            long privateNow = privateMiB.getAndAdd(privateGrowthPerStatus);
            reply(exchange.getResponseBody(), exchange, """
                {"state":"%s","restoreMillis":187,"memory":{"rssMiB":%d,"pssMiB":%d,"privateMiB":%d,"sharedWithTemplateMiB":25}}"""
                .formatted(state, privateNow + 30, privateNow + 10, privateNow));
        });
        server.createContext("/pause", exchange -> {
            actions.add("pause");
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            state = "paused";
            reply(exchange.getResponseBody(), exchange, "{}");
        });
        server.createContext("/resume", exchange -> {
            actions.add("resume");
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            state = "running";
            reply(exchange.getResponseBody(), exchange, "{}");
        });
        server.start();
    }

    /** What the node records on the pod: the launcher's contract port is this stand-in's port. */
    PortMap portMap() {
        return new PortMap(java.util.Map.of(PodContract.HTTP_PORT, server.getAddress().getPort()));
    }

    /** From now on /status reports private memory from {@code startMiB}, growing by {@code perStatusMiB} each time asked. */
    void privateMemory(long startMiB, long perStatusMiB) {
        privateMiB.set(startMiB);
        privateGrowthPerStatus = perStatusMiB;
    }

    /** What /status reports as the launcher's state from now on ("restoring", "running", "paused"). */
    void state(String state) {
        this.state = state;
    }

    private static void reply(OutputStream body, com.sun.net.httpserver.HttpExchange exchange, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        body.write(bytes);
        body.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
