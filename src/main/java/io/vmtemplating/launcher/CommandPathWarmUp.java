package io.vmtemplating.launcher;

import io.vmtemplating.qemu.qmp.QmpClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Pays, while a restored clone waits paused (a pool member waits for its claim), the first-use cost of the path a
 * POST /resume takes in a launcher JVM that compiles with C1 only: a member's launcher has answered readiness probes
 * and nothing else, so the claim's resume was its first POST and its first QMP command since the restore (the
 * launcher's handling of it 18–35 ms, 3–20 ms after this; docs/pools.md). Nothing here changes the guest: a
 * {@code query-status} over QMP, and a POST /resume to the launcher's own endpoint with a token that is refused
 * before any command runs (the request's parsing, the token check and the answer are the resume's).
 */
final class CommandPathWarmUp extends Thread {
    private static final int TIMEOUT_MILLIS = 2000;
    private final QmpClient qmp;
    private final InetSocketAddress endpoint;
    private final PrintStream err;

    private CommandPathWarmUp(QmpClient qmp, InetSocketAddress endpoint, PrintStream err) {
        super("command-warm-up");
        setDaemon(true);
        setPriority(MIN_PRIORITY);
        this.qmp = qmp;
        this.endpoint = endpoint;
        this.err = err;
    }

    static void begin(QmpClient qmp, LauncherHttp http, String host, PrintStream err) {
        new CommandPathWarmUp(qmp, new InetSocketAddress(host, http.port()), err).start();
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        try {
            qmp.execute("query-status");
            try (Socket socket = new Socket()) {
                socket.connect(endpoint, TIMEOUT_MILLIS);
                socket.setSoTimeout(TIMEOUT_MILLIS);
                OutputStream out = socket.getOutputStream();
                out.write(("POST " + PodContract.PATH_RESUME + " HTTP/1.1\r\nHost: " + endpoint.getHostString()
                        + "\r\nAuthorization: Bearer warm-up\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                in.readAllBytes(); // 401: the warm-up holds no token
            }
            err.println("command path warmed up in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        } catch (IOException | RuntimeException e) {
            // only a warm-up: the first resume pays the set-up instead
        }
    }
}
