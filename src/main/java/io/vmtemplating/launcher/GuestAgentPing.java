package io.vmtemplating.launcher;

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

/** The GuestAgent freeze trigger: qemu-guest-agent answers guest-ping on its virtio-serial channel. */
final class GuestAgentPing {
    private GuestAgentPing() {
    }

    /** One attempt; false when the agent does not answer within the timeout (no agent yet, or no channel). */
    static boolean ping(Path socket, Duration timeout) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX); Selector selector = Selector.open()) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("{\"execute\":\"guest-ping\"}\n".getBytes(StandardCharsets.UTF_8)));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            long deadline = System.nanoTime() + timeout.toNanos();
            StringBuilder received = new StringBuilder();
            ByteBuffer buffer = ByteBuffer.allocate(1024);
            while (System.nanoTime() < deadline) {
                selector.select(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                selector.selectedKeys().clear();
                buffer.clear();
                if (channel.read(buffer) < 0) {
                    return false;
                }
                received.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
                if (received.indexOf("\"return\"") >= 0) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
