package io.vmtemplating.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Streams the guest's serial console, line by line, to a consumer on its own thread for as long as the VM lives.
 * Unlike the QEMU layer's SerialConsole it keeps no transcript: a clone may print for days.
 */
final class ConsoleStream {
    private ConsoleStream() {
    }

    /** Connects (retrying while QEMU is alive: output before the first client is lost, so connect early). */
    static void start(Path socket, Consumer<String> lines, BooleanSupplier qemuAlive) {
        Thread thread = new Thread(() -> {
            SocketChannel channel = connect(socket, qemuAlive);
            if (channel != null) {
                pump(channel, lines);
            }
        }, "console");
        thread.setDaemon(true);
        thread.start();
    }

    private static SocketChannel connect(Path socket, BooleanSupplier qemuAlive) {
        while (qemuAlive.getAsBoolean()) {
            try {
                SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    channel.connect(UnixDomainSocketAddress.of(socket));
                    return channel;
                } catch (IOException e) {
                    channel.close();
                }
                Thread.sleep(5);
            } catch (IOException | InterruptedException e) {
                return null;
            }
        }
        return null;
    }

    private static void pump(SocketChannel channel, Consumer<String> lines) {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (channel) {
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    if (b == '\n') {
                        lines.accept(line.toString(StandardCharsets.UTF_8).replace("\r", ""));
                        line.reset();
                    } else if (line.size() < 64 * 1024) {
                        line.write(b);
                    }
                }
                buffer.clear();
            }
        } catch (IOException ignored) {
            // QEMU went away; whoever waits on QEMU reports it
        }
        if (line.size() > 0) {
            lines.accept(line.toString(StandardCharsets.UTF_8).replace("\r", ""));
        }
    }
}
