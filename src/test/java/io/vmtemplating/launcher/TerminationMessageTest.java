package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TerminationMessageTest {
    @Test
    void longErrorsKeepHeadAndTailUnder4KiB() throws Exception {
        String error = "template build failed: " + "x".repeat(10_000) + " QEMU-LAST-WORDS";
        String json = TerminationMessage.fit(LauncherResult.failure(LauncherResult.FAILED, error));
        assertTrue(json.getBytes(StandardCharsets.UTF_8).length <= 4096, json.length() + " bytes");
        LauncherResult parsed = Json.MAPPER.readValue(json, LauncherResult.class);
        assertTrue(parsed.error().startsWith("template build failed: "));
        assertTrue(parsed.error().endsWith(" QEMU-LAST-WORDS"));
        assertTrue(parsed.error().contains(" [...] "));
    }

    @Test
    void multiByteErrorsStayUnder4KiB() {
        String json = TerminationMessage.fit(LauncherResult.failure(LauncherResult.FAILED, "ü€".repeat(5000)));
        assertTrue(json.getBytes(StandardCharsets.UTF_8).length <= 4096);
    }

    @Test
    void shortResultsAreUnchanged() {
        assertEquals("{\"outcome\":\"Failed\",\"error\":\"boom\"}", TerminationMessage.fit(LauncherResult.failure(LauncherResult.FAILED, "boom")));
    }

    @Test
    void theFirstWriterWins(@TempDir Path dir) throws Exception {
        TerminationMessage message = new TerminationMessage(dir.resolve("sub/term"));
        assertTrue(message.write(LauncherResult.failure(LauncherResult.FAILED, "first")));
        assertFalse(message.write(LauncherResult.failure(LauncherResult.FAILED, "second")));
        assertTrue(Files.readString(dir.resolve("sub/term")).contains("first"));
    }
}
