package io.vmtemplating.qemu.qmp;

import static io.vmtemplating.qemu.qmp.FakeQmpServer.HANG_UP;
import static io.vmtemplating.qemu.qmp.FakeQmpServer.event;
import static io.vmtemplating.qemu.qmp.FakeQmpServer.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QmpClientTest {
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration LONG = Duration.ofSeconds(5);
    @TempDir
    Path dir;

    private Path socket() {
        return dir.resolve("qmp.sock");
    }

    @Test
    void negotiatesAndReturnsTheReturnValue() throws Exception {
        try (var server = new FakeQmpServer(socket(), true, (command, id) -> switch (command) {
            case "qmp_capabilities" -> List.of(ok(id));
            case "query-status" -> List.of("{\"return\": {\"status\": \"running\", \"running\": true}, \"id\": " + id + "}");
            default -> List.of();
        }); var qmp = QmpClient.connect(socket(), LONG, LONG)) {
            assertEquals("running", qmp.execute("query-status").path("status").asText());
        }
    }

    @Test
    void retriesUntilTheSocketAppears() throws Exception {
        CompletableFuture<FakeQmpServer> late = CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(400);
                return new FakeQmpServer(socket(), true, (command, id) -> List.of(ok(id)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try (var qmp = QmpClient.connect(socket(), LONG, LONG)) {
            assertEquals(0, qmp.execute("stop").size());
        } finally {
            late.join().close();
        }
    }

    @Test
    void givesUpAtTheConnectDeadline() {
        long start = System.nanoTime();
        var e = assertThrows(QmpTimeoutException.class, () -> QmpClient.connect(socket(), SHORT, LONG));
        assertTrue(e.getMessage().startsWith("no QMP server on " + socket() + " within 300 ms"), e.getMessage());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos());
    }

    @Test
    void givesUpAtOnceWhenThePeerIsGone() {
        var e = assertThrows(QmpClosedException.class, () -> QmpClient.connect(socket(), LONG, LONG, () -> false));
        assertTrue(e.getMessage().contains("the peer is gone"), e.getMessage());
    }

    @Test
    void timesOutWithoutGreeting() throws Exception {
        try (var server = new FakeQmpServer(socket(), false, (command, id) -> List.of(ok(id)))) {
            var e = assertThrows(QmpTimeoutException.class, () -> QmpClient.connect(socket(), SHORT, LONG));
            assertTrue(e.getMessage().startsWith("QMP greeting on"), e.getMessage());
        }
    }

    @Test
    void turnsErrorRepliesIntoQmpError() throws Exception {
        try (var server = new FakeQmpServer(socket(), true, (command, id) -> command.equals("migrate-incoming")
                ? List.of("{\"error\": {\"class\": \"GenericError\", \"desc\": \"Capability x-ignore-shared is off, but received capability is on\"}, \"id\": " + id + "}")
                : List.of(ok(id))); var qmp = QmpClient.connect(socket(), LONG, LONG)) {
            var e = assertThrows(QmpError.class, () -> qmp.execute("migrate-incoming", Map.of("uri", "file:/x")));
            assertEquals("GenericError", e.errorClass());
            assertEquals("Capability x-ignore-shared is off, but received capability is on", e.desc());
            assertEquals("migrate-incoming", e.command());
            assertEquals(0, qmp.execute("cont").size(), "the connection stays usable after an error");
        }
    }

    @Test
    void deliversEventsInterleavedWithReplies() throws Exception {
        BiFunction<String, Long, List<String>> script = (command, id) -> command.equals("stop")
                ? List.of(event("STOP"), "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"MIGRATION\", \"data\": {\"status\": \"setup\"}}", ok(id), event("RESUME"))
                : List.of(ok(id));
        try (var server = new FakeQmpServer(socket(), true, script); var qmp = QmpClient.connect(socket(), LONG, LONG)) {
            List<String> seen = new CopyOnWriteArrayList<>();
            qmp.addEventListener(event -> seen.add(event.name()));
            CompletableFuture<QmpEvent> migration = qmp.expectEvent("MIGRATION", e -> e.data().path("status").asText().equals("setup"));
            CompletableFuture<QmpEvent> resume = qmp.expectEvent("RESUME");
            assertEquals(0, qmp.execute("stop").size());
            assertEquals("setup", qmp.awaitEvent(migration, LONG).data().path("status").asText());
            assertEquals(1_700_000_000_000_005L, qmp.awaitEvent(resume, LONG).timestampMicros());
            assertEquals(List.of("STOP", "MIGRATION", "RESUME"), seen);
        }
    }

    @Test
    void timesOutACommandThatIsNeverAnswered() throws Exception {
        try (var server = new FakeQmpServer(socket(), true, (command, id) -> command.equals("query-migrate") ? List.of() : List.of(ok(id)));
                var qmp = QmpClient.connect(socket(), LONG, LONG)) {
            long start = System.nanoTime();
            var e = assertThrows(QmpTimeoutException.class, () -> qmp.execute("query-migrate", Map.of(), SHORT));
            assertEquals("QMP query-migrate: no answer within 300 ms", e.getMessage());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos());
            assertEquals(0, qmp.execute("cont").size(), "a late or missing reply does not disturb the next command");
        }
    }

    @Test
    void failsPendingCallsAndWaitersWhenQemuHangsUp() throws Exception {
        try (var server = new FakeQmpServer(socket(), true, (command, id) -> command.equals("quit") ? List.of(event("SHUTDOWN"), HANG_UP) : List.of(ok(id)));
                var qmp = QmpClient.connect(socket(), LONG, LONG)) {
            CompletableFuture<QmpEvent> never = qmp.expectEvent("RESUME");
            assertTimeoutPreemptively(Duration.ofSeconds(3), () -> {
                assertThrows(QmpClosedException.class, () -> qmp.execute("quit", Map.of(), LONG));
                assertThrows(QmpClosedException.class, () -> qmp.awaitEvent(never, LONG));
                assertTrue(qmp.awaitClosed(LONG));
                assertThrows(QmpClosedException.class, () -> qmp.execute("cont", Map.of(), LONG));
            });
        }
    }

    @Test
    void timesOutAnEventThatNeverComes() throws Exception {
        try (var server = new FakeQmpServer(socket(), true, (command, id) -> List.of(ok(id)));
                var qmp = QmpClient.connect(socket(), LONG, LONG)) {
            JsonNode ignored = qmp.execute("stop");
            var e = assertThrows(QmpTimeoutException.class, () -> qmp.awaitEvent(qmp.expectEvent("STOP"), SHORT));
            assertEquals("QMP event: no answer within 300 ms", e.getMessage());
        }
    }
}
