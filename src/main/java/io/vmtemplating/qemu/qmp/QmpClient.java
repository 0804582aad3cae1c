package io.vmtemplating.qemu.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmtemplating.json.JsonText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A QMP client over a unix socket. One reader thread parses every line QEMU sends: replies complete the command
 * they answer (matched by "id"), events go to listeners and waiters. Every wait has a deadline, and closing the
 * connection (or QEMU exiting) fails whatever still waits, so no call can block forever.
 */
public final class QmpClient implements AutoCloseable {
    // no ObjectMapper: its first use costs a fresh JVM 50-100 ms, and a clone's restore speaks QMP right after the
    // exec; lines are read and written with JsonText, replies handed out as Jackson trees built by the node factory
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    // QEMU creates its socket 50-100 ms after exec; a clone start waits for it, so poll finely (a failed connect is cheap)
    private static final Duration RETRY_PAUSE = Duration.ofMillis(5);

    private final SocketChannel channel;
    private final Duration defaultTimeout;
    private final CompletableFuture<JsonNode> greeting = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final List<Consumer<QmpEvent>> listeners = new CopyOnWriteArrayList<>();
    private final List<EventWaiter> waiters = new CopyOnWriteArrayList<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private final Object writeLock = new Object();

    private record Pending(String command, CompletableFuture<JsonNode> reply) {
    }

    private record EventWaiter(String name, Predicate<QmpEvent> matches, CompletableFuture<QmpEvent> event) {
    }

    private QmpClient(SocketChannel channel, Duration defaultTimeout) {
        this.channel = channel;
        this.defaultTimeout = defaultTimeout;
        Thread reader = new Thread(this::readLoop, "qmp-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Connects, retrying while the socket is not there yet, then negotiates capabilities. */
    public static QmpClient connect(Path socket, Duration connectTimeout, Duration commandTimeout) {
        return connect(socket, connectTimeout, commandTimeout, () -> true);
    }

    /**
     * As {@link #connect(Path, Duration, Duration)}, but gives up early once keepTrying says false (e.g. the QEMU
     * process has exited: its socket will never appear).
     */
    public static QmpClient connect(Path socket, Duration connectTimeout, Duration commandTimeout, BooleanSupplier keepTrying) {
        long deadlineNanos = System.nanoTime() + connectTimeout.toNanos();
        SocketChannel channel = openWithRetry(socket, deadlineNanos, connectTimeout, keepTrying);
        QmpClient client = new QmpClient(channel, commandTimeout);
        try {
            client.await(client.greeting, remaining(deadlineNanos), "QMP greeting on " + socket);
            client.execute("qmp_capabilities", Map.of(), remaining(deadlineNanos));
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private static SocketChannel openWithRetry(Path socket, long deadlineNanos, Duration connectTimeout, BooleanSupplier keepTrying) {
        IOException last = null;
        while (true) {
            try {
                SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    channel.connect(UnixDomainSocketAddress.of(socket));
                    return channel;
                } catch (IOException e) {
                    channel.close();
                    throw e;
                }
            } catch (IOException e) {
                last = e;
            }
            if (!keepTrying.getAsBoolean()) {
                throw new QmpClosedException("gave up connecting to QMP socket " + socket + ": the peer is gone", last);
            }
            if (System.nanoTime() + RETRY_PAUSE.toNanos() > deadlineNanos) {
                throw new QmpTimeoutException("no QMP server on " + socket + " within " + connectTimeout.toMillis()
                        + " ms (last error: " + last + ")");
            }
            sleep(RETRY_PAUSE);
        }
    }

    /** The connected QEMU's version, from its greeting: the QEMU that will load or write a state, not the binary on PATH. */
    public QemuVersion version() {
        return QemuVersion.of(greeting.join().path("QMP").path("version"));
    }

    public JsonNode execute(String command) {
        return execute(command, Map.of(), defaultTimeout);
    }

    public JsonNode execute(String command, Map<String, ?> arguments) {
        return execute(command, arguments, defaultTimeout);
    }

    /**
     * Runs one command and returns its "return" value.
     *
     * @throws QmpError           QEMU answered with an error
     * @throws QmpTimeoutException no answer within timeout
     * @throws QmpClosedException  the connection ended first
     */
    public JsonNode execute(String command, Map<String, ?> arguments, Duration timeout) {
        long id = nextId.getAndIncrement();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, new Pending(command, reply));
        try {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("execute", command);
            if (!arguments.isEmpty()) {
                message.put("arguments", arguments);
            }
            message.put("id", id);
            send(JsonText.write(message));
            return await(reply, timeout, "QMP " + command);
        } finally {
            pending.remove(id);
        }
    }

    /** Convenience for HMP-only commands (e.g. hostfwd_add); returns HMP's text output, where HMP reports errors. */
    public String humanMonitorCommand(String commandLine) {
        return execute("human-monitor-command", Map.of("command-line", commandLine)).asText();
    }

    /** Every event is passed to the listener on the reader thread; keep it quick. */
    public void addEventListener(Consumer<QmpEvent> listener) {
        listeners.add(listener);
    }

    /**
     * Registers interest in the next event of that name (and matching the predicate). Register before the action
     * that causes it, then {@link #awaitEvent}: an event arriving in between is not lost.
     */
    public CompletableFuture<QmpEvent> expectEvent(String name, Predicate<QmpEvent> matches) {
        EventWaiter waiter = new EventWaiter(name, matches, new CompletableFuture<>());
        waiters.add(waiter);
        if (closed.isDone()) {
            waiter.event().completeExceptionally(new QmpClosedException("QMP connection closed"));
        }
        return waiter.event();
    }

    public CompletableFuture<QmpEvent> expectEvent(String name) {
        return expectEvent(name, event -> true);
    }

    public QmpEvent awaitEvent(CompletableFuture<QmpEvent> expected, Duration timeout) {
        return await(expected, timeout, "QMP event");
    }

    /** Waits until QEMU closes the connection (after quit, or when it exits); true if it did in time. */
    public boolean awaitClosed(Duration timeout) {
        try {
            closed.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is best effort; the reader thread notices either way
        }
        failAll(new QmpClosedException("QMP connection closed"));
    }

    private void send(String message) {
        byte[] line = (message + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.wrap(line);
        // commands are a few hundred bytes: a blocking write of them only waits while the socket buffer is full,
        // which QEMU drains even when it is busy; a dead peer fails the write instead of blocking
        synchronized (writeLock) {
            try {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } catch (IOException e) {
                throw new QmpClosedException("cannot send to QMP: " + e.getMessage(), e);
            }
        }
    }

    private void readLoop() {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    if (b == '\n') {
                        dispatch(line.toString(StandardCharsets.UTF_8).trim());
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }
                buffer.clear();
            }
            failAll(new QmpClosedException("QMP connection closed by QEMU"));
        } catch (IOException e) {
            failAll(new QmpClosedException("QMP connection lost: " + e.getMessage(), e));
        }
    }

    private void dispatch(String line) {
        if (line.isEmpty()) {
            return;
        }
        JsonNode message;
        try {
            message = node(JsonText.parse(line));
        } catch (IllegalArgumentException e) {
            return; // not QMP; nothing waits on it
        }
        if (message.has("QMP")) {
            greeting.complete(message);
        } else if (message.has("event")) {
            dispatchEvent(message);
        } else if (message.has("return") || message.has("error")) {
            Pending call = pending.get(message.path("id").asLong(-1));
            if (call == null) {
                return; // a reply to a command whose caller already timed out
            }
            if (message.has("error")) {
                JsonNode error = message.get("error");
                call.reply().completeExceptionally(
                        new QmpError(call.command(), error.path("class").asText(), error.path("desc").asText()));
            } else {
                call.reply().complete(message.get("return"));
            }
        }
    }

    private void dispatchEvent(JsonNode message) {
        JsonNode timestamp = message.path("timestamp");
        QmpEvent event = new QmpEvent(message.get("event").asText(),
                message.has("data") ? message.get("data") : NODES.objectNode(),
                timestamp.path("seconds").asLong() * 1_000_000 + timestamp.path("microseconds").asLong());
        for (Consumer<QmpEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                // a failing listener must not stop the reader: replies would never arrive
            }
        }
        for (EventWaiter waiter : waiters) {
            if (waiter.name().equals(event.name()) && waiter.matches().test(event) && waiter.event().complete(event)) {
                waiters.remove(waiter);
            }
        }
    }

    /** JsonText's values as the Jackson tree this client's callers read. */
    static JsonNode node(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof String text) {
            return NODES.textNode(text);
        }
        if (value instanceof Long number) {
            return NODES.numberNode(number);
        }
        if (value instanceof Double number) {
            return NODES.numberNode(number);
        }
        if (value instanceof BigInteger number) {
            return NODES.numberNode(number);
        }
        if (value instanceof Boolean bool) {
            return NODES.booleanNode(bool);
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            for (Map.Entry<?, ?> member : map.entrySet()) {
                object.set((String) member.getKey(), node(member.getValue()));
            }
            return object;
        }
        ArrayNode array = NODES.arrayNode();
        for (Object item : (List<?>) value) {
            array.add(node(item));
        }
        return array;
    }

    private void failAll(QmpClosedException cause) {
        closed.complete(null);
        greeting.completeExceptionally(cause);
        pending.values().forEach(call -> call.reply().completeExceptionally(cause));
        waiters.forEach(waiter -> waiter.event().completeExceptionally(cause));
        waiters.clear();
    }

    private <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new QmpTimeoutException(what + ": no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QmpException(what + ": interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof QmpException qmp) {
                throw qmp;
            }
            throw new QmpException(what + ": " + e.getCause(), e.getCause());
        }
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QmpException("interrupted while connecting", e);
        }
    }
}
