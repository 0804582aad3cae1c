package io.vmtemplating.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The tests' reader of files in a real guest (the clone keeper writes claim data, in Go): a qemu-guest-agent session
 * on the host's end of the org.qemu.guest_agent.0 channel. guest-sync first (the channel may hold an answer to an
 * earlier client's question), then one command at a time, each answered before the next; every call shares one
 * deadline. Not thread-safe.
 */
final class GuestAgentClient implements AutoCloseable {
    /** Bytes of file content per guest-file-read. */
    static final int READ_CHUNK = 48 * 1024;
    private static final Duration POLL = Duration.ofMillis(10);

    private final SocketChannel channel;
    private final Selector selector;
    private final long deadlineNanos;
    private final StringBuilder received = new StringBuilder();

    private GuestAgentClient(SocketChannel channel, Selector selector, long deadlineNanos) {
        this.channel = channel;
        this.selector = selector;
        this.deadlineNanos = deadlineNanos;
    }

    /** Connects and synchronises; the whole session must end within {@code timeout}. */
    static GuestAgentClient connect(Path socket, Duration timeout) throws IOException, GuestAgentException {
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = Selector.open();
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
        } catch (IOException e) {
            channel.close();
            selector.close();
            throw e;
        }
        GuestAgentClient client = new GuestAgentClient(channel, selector, deadline);
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE >> 12);
        ObjectNode sync = Json.MAPPER.createObjectNode().put("execute", "guest-sync");
        sync.putObject("arguments").put("id", id);
        client.send(sync);
        // answers to someone else's questions may come first: skip until our id comes back
        while (true) {
            JsonNode answer = client.next();
            if (answer.path("return").asLong(-1) == id) {
                return client;
            }
        }
    }

    /** Reads a whole file back (tests read what a guest received). */
    byte[] readFile(String path) throws IOException, GuestAgentException {
        long handle = call("guest-file-open", Json.MAPPER.createObjectNode().put("path", path).put("mode", "r")).asLong();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            while (true) {
                JsonNode read = call("guest-file-read", Json.MAPPER.createObjectNode().put("handle", handle).put("count", READ_CHUNK));
                out.writeBytes(Base64.getDecoder().decode(read.path("buf-b64").asText("")));
                if (read.path("eof").asBoolean(true) || read.path("count").asInt(0) == 0) {
                    return out.toByteArray();
                }
            }
        } finally {
            call("guest-file-close", Json.MAPPER.createObjectNode().put("handle", handle));
        }
    }

    /** One command; its "return" value, or the agent's error as an exception naming the command. */
    JsonNode call(String command, ObjectNode arguments) throws IOException, GuestAgentException {
        ObjectNode request = Json.MAPPER.createObjectNode().put("execute", command);
        request.set("arguments", arguments);
        send(request);
        JsonNode answer = next();
        if (answer.has("error")) {
            throw new GuestAgentException(command + " failed in the guest: " + answer.path("error").path("desc").asText(answer.toString()));
        }
        return answer.path("return");
    }

    private void send(JsonNode request) throws IOException, GuestAgentException {
        ByteBuffer buffer = ByteBuffer.wrap((Json.write(request) + "\n").getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            if (channel.write(buffer) == 0) {
                if (System.nanoTime() > deadlineNanos) {
                    throw timeout();
                }
                sleep();
            }
        }
    }

    /** The next JSON document from the agent (one per line; the 0xFF of guest-sync-delimited is skipped). */
    private JsonNode next() throws IOException, GuestAgentException {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (true) {
            int newline = received.indexOf("\n");
            if (newline >= 0) {
                String line = received.substring(0, newline).replace("\u00ff", "").trim();
                received.delete(0, newline + 1);
                if (!line.isEmpty() && line.startsWith("{")) {
                    return Json.MAPPER.readTree(line);
                }
                continue;
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw timeout();
            }
            selector.select(Math.max(1, left / 1_000_000));
            selector.selectedKeys().clear();
            buffer.clear();
            int read = channel.read(buffer);
            if (read < 0) {
                throw new GuestAgentException("the guest agent's channel closed");
            }
            // ISO-8859-1 keeps a lone 0xFF a single char; the agent's JSON is ASCII (strings are \\u-escaped)
            received.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1));
        }
    }

    private GuestAgentException timeout() {
        return new GuestAgentException("the guest agent did not answer in time (is qemu-guest-agent running in the guest?)");
    }

    private static void sleep() throws GuestAgentException {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestAgentException("interrupted");
        }
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }

    /** The agent refused, failed or did not answer. */
    static final class GuestAgentException extends Exception {
        GuestAgentException(String message) {
            super(message);
        }
    }
}
