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
import java.util.ArrayList;
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
    private static final String CLOSED = "\u0000closed";
    private final SocketChannel channel;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> transcript = new ArrayList<>();

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
                    transcript.add(line);
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

    /** Every line consumed so far, for error messages. */
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
                        lines.add(line.toString(StandardCharsets.UTF_8).replace("\r", ""));
                        line.reset();
                    } else {
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
}
