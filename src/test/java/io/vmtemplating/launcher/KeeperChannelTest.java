package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The clone launcher's two messages to the clone keeper, and a clone launcher started without a keeper. */
class KeeperChannelTest {
    @TempDir
    Path dir;

    @Test
    void serveAndHandoverAreOneJsonLineEachWithWhatTheKeeperNeeds() throws Exception {
        Path channel = dir.resolve("channel");
        KeeperChannel keeper = KeeperChannel.open(Map.of(KeeperChannel.ENV_CHANNEL, channel.toString()));
        keeper.serve("127.0.0.7", 41234, "/vmt/launcher-token/token", "/dev/termination-log", null, 97);
        keeper.handover(new KeeperChannel.Handover(4321, "/vmt/run/qmp.sock", "/vmt/run/qga.sock", "/dev/shm/t/memory",
                "/vmt/run/qemu.log", false, 180, "/run/vmt \"data\"", null));
        List<String> lines = Files.readAllLines(channel);
        assertEquals(2, lines.size(), String.join("\n", lines));
        JsonNode serve = Json.MAPPER.readTree(lines.get(0));
        assertEquals("serve", serve.path("message").asText());
        assertEquals("127.0.0.7", serve.path("httpHost").asText());
        assertEquals(41234, serve.path("httpPort").asInt());
        assertEquals("/vmt/launcher-token/token", serve.path("tokenFile").asText());
        assertEquals("/dev/termination-log", serve.path("terminationFile").asText());
        assertTrue(serve.path("serialSocket").isNull(), "no console: " + serve);
        assertEquals(97, serve.path("overheadMillis").asLong());
        JsonNode handover = Json.MAPPER.readTree(lines.get(1));
        assertEquals("handover", handover.path("message").asText());
        assertEquals(4321, handover.path("qemuPid").asLong());
        assertEquals("/vmt/run/qmp.sock", handover.path("qmpSocket").asText());
        assertEquals("/vmt/run/qga.sock", handover.path("guestAgentSocket").asText());
        assertEquals("/dev/shm/t/memory", handover.path("memoryDir").asText());
        assertFalse(handover.path("running").asBoolean(true));
        assertEquals(180, handover.path("restoreMillis").asLong());
        assertEquals("/run/vmt \"data\"", handover.path("claimData").path("directory").asText());
        assertTrue(handover.path("claimData").path("timeoutSeconds").isNull(), handover.toString());
    }

    @Test
    void aCloneLauncherStartedWithoutTheKeeperSaysHowToStartIt() throws Exception {
        Path termination = dir.resolve("termination-log");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Launcher.run(new String[] {PodContract.MODE_CLONE},
                Map.of(PodPaths.ENV_PATH_MAP, PodContract.TERMINATION_MESSAGE_PATH + "=" + termination),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(PodContract.EXIT_INVALID_SPEC, exit);
        JsonNode result = Json.MAPPER.readTree(termination.toFile());
        assertEquals(LauncherResult.INVALID_SPEC, result.path("outcome").asText());
        String error = result.path("error").asText();
        assertTrue(error.startsWith(KeeperChannel.ENV_CHANNEL + ": ") && error.contains("`vmt launcher clone`"), error);
        assertFalse(err.toString(StandardCharsets.UTF_8).contains("Exception"), err.toString(StandardCharsets.UTF_8));
    }
}
