package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The GuestAgent freeze trigger against the real qemu-guest-agent of the test guest: one template frozen when the
 * agent answers guest-ping, a clone of it, and a guest whose agent never starts (vmt.noqga). TCG like
 * {@link LauncherQemuTest}.
 */
@Tag("qemu")
class GuestAgentTriggerQemuTest {
    private static final String ACCEL = System.getProperty("vmt.test.accel", "tcg");
    private static Path root;
    private static int templateExit;
    private static LauncherProcess template;

    @BeforeAll
    static void buildTemplate() throws Exception {
        root = Files.createTempDirectory(Path.of("/dev/shm"), "vmt-guest-agent-test-");
        template = LauncherProcess.start("template", env(TestGuest.guestAgentTemplateSpec("", 180)), paths("template"),
                root.resolve("template/out"));
        templateExit = template.waitForExit(Duration.ofMinutes(4));
    }

    @AfterAll
    static void removeFiles() {
        if (root != null) {
            Cleanup.deleteRecursively(root);
        }
    }

    private static Map<String, String> env(String templateSpec) {
        return Map.of("VMT_TEMPLATE_SPEC", templateSpec, "VMT_CLONE_SPEC", "{\"templateRef\":{\"name\":\"t\"}}",
                "VMT_ACCEL", ACCEL, "VMT_TEMPLATE_UID", "5b1e0c7a-1111-2222-3333-444455556666");
    }

    /** Template files under template/, a run directory (holding qga.sock) per instance. */
    private static String paths(String instance) throws Exception {
        Path template = root.resolve("template");
        return "/vmt/memory=" + template.resolve("memory") + ":/vmt/state=" + template.resolve("state") + ":/vmt/run="
                + root.resolve(instance).resolve("run") + ":" + TestGuest.bootPathMap();
    }

    @Test
    void templateFreezesWhenTheGuestAgentAnswers() throws Exception {
        assertEquals(0, templateExit, template.stderr());
        JsonNode result = template.terminationMessage();
        assertEquals("Frozen", result.path("outcome").asText(), result.toString());
        assertTrue(template.stderr().matches("(?s).*freeze trigger fired \\(guest agent answered guest-ping\\) after \\d+ ms.*"),
                template.stderr());
        System.out.println("[guest-agent] template bootMillis (QEMU start to agent answer)=" + result.path("bootMillis")
                + " freezeMillis=" + result.path("freezeMillis"));
    }

    @Test
    void cloneOfItRunsAndItsRestoredAgentAnswers() throws Exception {
        assertEquals(0, templateExit, "template build failed: " + template.stderr());
        try (LauncherProcess clone = LauncherProcess.start("clone", env(TestGuest.guestAgentTemplateSpec("", 180)), paths("clone"),
                root.resolve("clone/out"))) {
            clone.awaitReady(Duration.ofSeconds(60));
            JsonNode status = Json.MAPPER.readTree(clone.get("/status").body());
            assertEquals("running", status.path("state").asText(), status.toString());
            // the agent was frozen with the template: its restored copy answers on the clone's own channel
            Path socket = root.resolve("clone/run").resolve(VmDefinitionRenderer.GUEST_AGENT_SOCKET);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            boolean answered = false;
            while (!answered && System.nanoTime() < deadline) {
                answered = GuestAgentPing.ping(socket, Duration.ofSeconds(1));
            }
            assertTrue(answered, "the clone's guest agent answers guest-ping on " + socket);

            ProcessHandle qemu = clone.qemu().orElseThrow();
            clone.process.destroy(); // SIGTERM
            assertEquals(0, clone.waitForExit(Duration.ofSeconds(30)), clone.stderr());
            assertFalse(qemu.isAlive(), "QEMU quit with the launcher");
        }
    }

    @Test
    void guestWithoutAnAgentFailsAtTheTimeout() throws Exception {
        Path memory = Files.createDirectories(root.resolve("no-agent/memory"));
        Path state = Files.createDirectories(root.resolve("no-agent/state"));
        String paths = "/vmt/memory=" + memory + ":/vmt/state=" + state + ":/vmt/run=" + root.resolve("no-agent/run") + ":"
                + TestGuest.bootPathMap();
        try (LauncherProcess build = LauncherProcess.start("template", env(TestGuest.guestAgentTemplateSpec(" vmt.noqga", 20)), paths,
                root.resolve("no-agent/out"))) {
            assertEquals(Launcher.EXIT_FAILED, build.waitForExit(Duration.ofSeconds(90)), build.stderr());
            JsonNode result = build.terminationMessage();
            assertEquals("Failed", result.path("outcome").asText(), result.toString());
            assertTrue(result.path("error").asText().startsWith(
                    "template build failed: freeze trigger GuestAgent did not fire within 20 s (spec.freeze.timeoutSeconds)"), result.toString());
            assertTrue(build.stdout().contains("GUEST-READY"), "the guest itself booted: " + build.stdout());
            try (var left = Files.list(memory)) {
                assertEquals(0, left.count(), "memory dir emptied");
            }
        }
    }
}
