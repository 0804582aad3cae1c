package io.vmtemplating.qemu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The guest's serial console on QEMU's chardev socket, as lines: wait for a line that matches (a freeze condition,
 * a test guest's answer) and send lines. Output written while nobody is connected is lost, so connect early.
 */
public final class SerialConsole implements AutoCloseable {
    /** Lines kept for error messages, the newest. */
    static final int TRANSCRIPT_LINES = 200;
    /** Lines read while nobody waits, the newest (older ones are dropped). */
    static final int QUEUED_LINES = 1000;
    /** A longer line is cut: a guest printing without newlines must not grow one line without end. */
    static final int MAX_LINE_CHARS = 4096;
    private static final String CLOSED = "\u0000closed";
    private final SocketChannel channel;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Deque<String> transcript = new ArrayDeque<>();

    private SerialConsole(SocketChannel channel) {
        this.channel = channel;
        Thread reader = new Thread(this::readLoop, "serial-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public static SerialConsole connect(Path socket, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
                return new SerialConsole(channel);
            } catch (IOException e) {
                channel.close();
                if (System.nanoTime() > deadline) {
                    throw new IOException("no serial console on " + socket + " within " + timeout.toMillis() + " ms", e);
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    public void send(String line) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        synchronized (channel) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    /** The next line matching, skipping others; empty when the timeout passes or the console closes first. */
    public Optional<String> awaitLine(Predicate<String> matches, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null || line == CLOSED) {
                    if (line == CLOSED) {
                        lines.add(CLOSED); // later waits end at once too
                    }
                    return Optional.empty();
                }
                synchronized (transcript) {
                    if (transcript.size() == TRANSCRIPT_LINES) {
                        transcript.removeFirst();
                    }
                    transcript.addLast(line);
                }
                if (matches.test(line)) {
                    return Optional.of(line);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The last {@link #TRANSCRIPT_LINES} lines consumed, for error messages. */
    public List<String> transcript() {
        synchronized (transcript) {
            return List.copyOf(transcript);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private void readLoop() {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    if (b == '\n') {
                        queue(line.toString(StandardCharsets.UTF_8).replace("\r", ""));
                        line.reset();
                    } else if (line.size() < MAX_LINE_CHARS) {
                        line.write(b);
                    }
                }
                buffer.clear();
            }
        } catch (IOException ignored) {
            // closed: waiters are told below
        }
        lines.add(CLOSED);
    }

    /** Only the reader thread adds: dropping the oldest line when full keeps the queue at its bound. */
    private void queue(String line) {
        while (lines.size() >= QUEUED_LINES) {
            lines.poll();
        }
        lines.add(line);
    }
}
