package io.vmtemplating.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console reader holds a bounded amount of what the guest prints, whatever the guest prints: the launcher runs
 * with a 64 MiB heap and a guest may print for days. A chardev socket stands in for QEMU's.
 */
class SerialConsoleTest {
    private static final int GUEST_LINES = 100_000;
    private static final String LINE = "x".repeat(200);

    @TempDir
    Path dir;

    @Test
    void aChattyGuestLeavesABoundedTranscriptAndQueue() throws Exception {
        Path socket = dir.resolve("serial.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            try (SerialConsole console = SerialConsole.connect(socket, Duration.ofSeconds(5));
                    SocketChannel guest = server.accept()) {
                // nobody waits while the guest prints 20 MB: the reader must not queue it all
                for (int i = 0; i < GUEST_LINES; i++) {
                    write(guest, LINE + i + "\n");
                }
                write(guest, "y".repeat(4 * 1024 * 1024) + "\n"); // one 4 MiB line
                write(guest, "END\n");
                AtomicInteger seen = new AtomicInteger();
                Optional<String> end = console.awaitLine(l -> seen.incrementAndGet() > 0 && l.equals("END"), Duration.ofSeconds(30));
                assertEquals(Optional.of("END"), end);
                // the writes above only returned once the reader had taken all but a socket buffer's worth (~200 KB)
                assertTrue(seen.get() < GUEST_LINES / 2, "lines queued while nobody waited: " + seen.get());

                List<String> transcript = console.transcript();
                long transcriptChars = transcript.stream().mapToLong(String::length).sum();
                System.out.printf("guest printed %d lines (%d MB); %d were still queued for the first wait;"
                        + " transcript kept %d lines, %d chars%n", GUEST_LINES + 2,
                        (long) GUEST_LINES * LINE.length() / 1_000_000 + 4, seen.get(), transcript.size(), transcriptChars);
                assertTrue(transcript.size() <= SerialConsole.TRANSCRIPT_LINES, "transcript lines: " + transcript.size());
                assertTrue(transcript.stream().allMatch(l -> l.length() <= SerialConsole.MAX_LINE_CHARS),
                        "a line longer than " + SerialConsole.MAX_LINE_CHARS + " chars was kept whole");
                assertEquals("END", transcript.get(transcript.size() - 1), "the newest lines are the ones kept");
            }
        }
    }

    private static void write(SocketChannel channel, String text) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
