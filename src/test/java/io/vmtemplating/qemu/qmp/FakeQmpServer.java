package io.vmtemplating.qemu.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A one-connection QMP server on a thread. The script maps each received command (and its id) to the lines to send
 * back, so a test can answer with errors, interleave events, answer nothing, or hang up.
 */
final class FakeQmpServer implements AutoCloseable {
    static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 2, \"minor\": 0, \"major\": 10}, \"package\": \"\"}, \"capabilities\": []}}";
    static final String HANG_UP = "\u0000hang-up";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServerSocketChannel server;
    private final Thread thread;

    /** @param script (command, id) → lines to send, in order; HANG_UP closes the connection */
    FakeQmpServer(Path socket, boolean sendGreeting, BiFunction<String, Long, List<String>> script) throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        thread = new Thread(() -> serve(sendGreeting, script), "fake-qmp");
        thread.setDaemon(true);
        thread.start();
    }

    static String ok(long id) {
        return "{\"return\": {}, \"id\": " + id + "}";
    }

    static String event(String name) {
        return "{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 5}, \"event\": \"" + name + "\"}";
    }

    private void serve(boolean sendGreeting, BiFunction<String, Long, List<String>> script) {
        try (SocketChannel client = server.accept()) {
            if (sendGreeting) {
                write(client, GREETING);
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode command = JSON.readTree(line);
                for (String reply : script.apply(command.get("execute").asText(), command.path("id").asLong())) {
                    if (reply.equals(HANG_UP)) {
                        return;
                    }
                    write(client, reply);
                }
            }
        } catch (IOException ignored) {
            // the test closed the server
        }
    }

    private static void write(SocketChannel client, String line) throws IOException {
        // QEMU ends its lines with CRLF
        ByteBuffer buffer = ByteBuffer.wrap((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            client.write(buffer);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        thread.interrupt();
    }
}
