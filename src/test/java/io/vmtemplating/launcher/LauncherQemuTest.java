package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The launcher as a process with real QEMU: one template build for the class, then clones of it. TCG by default
 * (-Dvmt.test.accel=kvm|auto to change): on nested hosts /dev/kvm can open while guests never run under it.
 */
@Tag("qemu")
class LauncherQemuTest {
    private static final String ACCEL = System.getProperty("vmt.test.accel", "tcg");
    private static Path root;
    private static int templateExit;
    private static LauncherProcess template;

    @BeforeAll
    static void buildTemplate() throws Exception {
        root = Files.createTempDirectory(Path.of("/dev/shm"), "vmt-launcher-test-");
        template = LauncherProcess.start("template", env(), templatePaths("run-template"), root.resolve("template"));
        templateExit = template.waitForExit(Duration.ofMinutes(4));
    }

    @AfterAll
    static void removeFiles() {
        if (root != null) {
            Cleanup.deleteRecursively(root);
        }
    }

    private static Map<String, String> env() {
        return Map.of("VMT_TEMPLATE_SPEC", TestGuest.templateSpec(), "VMT_CLONE_SPEC", "{\"templateRef\":{\"name\":\"t\"}}",
                "VMT_ACCEL", ACCEL, "VMT_TEMPLATE_UID", "0f3c1d2e-1111-2222-3333-444455556666");
    }

    private static String templatePaths(String runDir) throws Exception {
        return "/vmt/memory=" + root.resolve("memory") + ":/vmt/state=" + root.resolve("state") + ":/vmt/run=" + root.resolve(runDir)
                + ":" + TestGuest.bootPathMap();
    }

    private static LauncherProcess clone(String name) throws Exception {
        assertEquals(0, templateExit, "template build failed: " + template.stderr());
        return LauncherProcess.start("clone", env(), templatePaths("run-" + name), root.resolve(name));
    }

    @Test
    void templateModeBootsFreezesAndReports() throws Exception {
        assertEquals(0, templateExit, template.stderr());
        JsonNode result = template.terminationMessage();
        assertEquals("Frozen", result.path("outcome").asText(), result.toString());
        assertTrue(result.path("qemuVersion").asText().matches("\\d+\\.\\d+\\.\\d+"), result.toString());
        assertTrue(result.path("bootMillis").asLong() > 0);
        assertTrue(result.path("freezeMillis").asLong() >= 0);
        assertEquals("[\"/vmt/memory/pc.ram\"]", result.path("memoryFiles").toString());
        assertEquals("/vmt/state/state", result.path("stateFile").asText());
        assertEquals("/vmt/state/metadata.json", result.path("metadataFile").asText());
        assertEquals(Files.size(root.resolve("state/state")), result.path("stateBytes").asLong());
        for (Path file : List.of(root.resolve("memory/pc.ram"), root.resolve("state/state"))) {
            assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
        }
        assertEquals(256L * 1024 * 1024, Files.size(root.resolve("memory/pc.ram")));
        assertTrue(Files.isRegularFile(root.resolve("state/metadata.json")));
        assertTrue(template.stdout().contains("GUEST-READY"), "console streamed to stdout: " + template.stdout());
        assertTrue(template.stderr().matches("(?s).*launcher-overhead-ms=\\d+.*"), template.stderr());
    }

    @Test
    void cloneRestoresServesStatusPausesResumesAndQuitsOnSigterm() throws Exception {
        try (LauncherProcess clone = clone("clone-a")) {
            clone.awaitReady(Duration.ofSeconds(60));
            JsonNode status = Json.MAPPER.readTree(clone.get("/status").body());
            assertEquals("running", status.path("state").asText(), status.toString());
            assertTrue(status.path("restoreMillis").asLong() > 0, status.toString());
            assertTrue(status.path("launcherOverheadMillis").asLong() > 0, status.toString());
            System.out.println("[launcher] clone launcherOverheadMillis=" + status.path("launcherOverheadMillis") + " restoreMillis="
                    + status.path("restoreMillis") + " memory=" + status.path("memory"));
            JsonNode memory = status.path("memory");
            long rss = memory.path("rssMiB").asLong();
            assertTrue(rss > 0 && rss < 1024, status.toString());
            assertTrue(memory.path("pssMiB").asLong() > 0 && memory.path("pssMiB").asLong() <= rss, status.toString());
            assertTrue(memory.path("privateMiB").asLong() <= rss, status.toString());
            assertTrue(memory.path("sharedWithTemplateMiB").asLong() >= 0 && memory.path("sharedWithTemplateMiB").asLong() <= rss,
                    status.toString());
            // the split: the guest's copies and QEMU's own memory are parts of QEMU's RSS, the launcher's is its own
            assertTrue(memory.path("guestPrivateMiB").asLong() >= 0 && memory.path("qemuOverheadMiB").asLong() > 0
                    && memory.path("guestPrivateMiB").asLong() + memory.path("qemuOverheadMiB").asLong() <= rss, status.toString());
            assertTrue(memory.path("launcherRssMiB").asLong() > 0, status.toString());

            // issue 15, item 6: only the holder of the namespace's token may pause the guest
            HttpResponse<String> anonymous = clone.post("/pause", null);
            assertEquals(401, anonymous.statusCode());
            assertEquals("only the operator may pause this VM: Authorization: Bearer <token> is missing or wrong\n", anonymous.body());
            assertEquals(401, clone.post("/pause", "Bearer " + LauncherProcess.TOKEN + "x").statusCode());
            assertEquals(401, clone.post("/resume", LauncherProcess.TOKEN).statusCode());
            assertEquals("running", Json.MAPPER.readTree(clone.get("/status").body()).path("state").asText(), "refused: still running");

            long pauseStart = System.nanoTime();
            assertEquals(200, clone.post("/pause").statusCode());
            assertEquals("paused", Json.MAPPER.readTree(clone.get("/status").body()).path("state").asText());
            assertTrue(System.nanoTime() - pauseStart < Duration.ofSeconds(2).toNanos(), "pause took effect within 2 s");
            assertEquals(200, clone.post("/resume").statusCode());
            assertEquals("running", Json.MAPPER.readTree(clone.get("/status").body()).path("state").asText());
            String metrics = clone.get("/metrics").body();
            assertTrue(metrics.contains("\nvmtemplating_launcher_qemu_rss_bytes ")
                    && metrics.contains("\nvmtemplating_launcher_guest_running 1\n"), metrics);

            assertTrue(metrics.contains("\nvmtemplating_launcher_guest_private_bytes ") && metrics.contains("\nvmtemplating_launcher_qemu_overhead_bytes ")
                    && metrics.contains("\nvmtemplating_launcher_rss_bytes "), metrics);

            ProcessHandle qemu = clone.qemu().orElseThrow();
            // the launcher starts QEMU with the boot stub (BootStub): a reboot ends it, the boot files are not in its heap
            List<String> qemuArgs = List.of(qemu.info().arguments().orElseThrow());
            assertTrue(qemuArgs.contains("-no-reboot"), qemuArgs.toString());
            assertTrue(qemuArgs.get(qemuArgs.indexOf("-kernel") + 1).endsWith("/boot-stub-kernel"), qemuArgs.toString());
            clone.process.destroy(); // SIGTERM
            assertEquals(0, clone.waitForExit(Duration.ofSeconds(30)), clone.stderr());
            assertFalse(qemu.isAlive(), "QEMU quit with the launcher");
            assertTrue(clone.stderr().contains("SIGTERM: QEMU quit"), clone.stderr());
        }
    }

    @Test
    void qemuDyingUnexpectedlyFailsWithQemusWords() throws Exception {
        try (LauncherProcess clone = clone("clone-killed")) {
            clone.awaitReady(Duration.ofSeconds(60));
            clone.qemu().orElseThrow().destroyForcibly(); // SIGKILL
            int exit = clone.waitForExit(Duration.ofSeconds(30));
            assertNotEquals(0, exit);
            JsonNode result = clone.terminationMessage();
            assertEquals("Failed", result.path("outcome").asText());
            assertTrue(result.path("error").asText().startsWith("QEMU exited unexpectedly with code "), result.toString());
        }
    }

    @Test
    void cloneWithoutTemplateMemoryIsTemplateFilesMissing() throws Exception {
        Path emptyMemory = Files.createDirectories(root.resolve("empty-memory"));
        String paths = templatePaths("run-missing").replace("/vmt/memory=" + root.resolve("memory"), "/vmt/memory=" + emptyMemory);
        try (LauncherProcess clone = LauncherProcess.start("clone", env(), paths, root.resolve("clone-missing"))) {
            assertEquals(3, clone.waitForExit(Duration.ofSeconds(30)), clone.stderr());
            JsonNode result = clone.terminationMessage();
            assertEquals("TemplateFilesMissing", result.path("outcome").asText());
            assertTrue(result.path("error").asText().contains("/vmt/memory/pc.ram"), result.toString());
            assertTrue(clone.qemu().isEmpty());
        }
    }

    @Test
    void cloneAskedNotToRunStaysPaused() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(env());
        env.put("VMT_CLONE_SPEC", "{\"templateRef\":{\"name\":\"t\"},\"running\":false}");
        assertEquals(0, templateExit, "template build failed: " + template.stderr());
        try (LauncherProcess clone = LauncherProcess.start("clone", env, templatePaths("run-paused"), root.resolve("clone-paused"))) {
            clone.awaitReady(Duration.ofSeconds(60));
            assertEquals("paused", Json.MAPPER.readTree(clone.get("/status").body()).path("state").asText());
            assertFalse(clone.stderr().contains("warmed up"), "only pool members warm up; this guest never ran: " + clone.stderr());
            clone.process.destroy();
            assertEquals(0, clone.waitForExit(Duration.ofSeconds(30)), clone.stderr());
        }
    }

    @Test
    void aPoolMemberRunsItsGuestUntilIdleThenWaitsPaused() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(env());
        env.put("VMT_CLONE_SPEC", "{\"templateRef\":{\"name\":\"t\"},\"running\":false}");
        env.put(PodContract.ENV_WARM_UP, "true");
        assertEquals(0, templateExit, "template build failed: " + template.stderr());
        try (LauncherProcess member = LauncherProcess.start("clone", env, templatePaths("run-member"), root.resolve("clone-member"))) {
            member.awaitReady(Duration.ofSeconds(60));
            assertEquals("paused", Json.MAPPER.readTree(member.get("/status").body()).path("state").asText());
            java.util.regex.Matcher warmed = java.util.regex.Pattern.compile("warmed up: the guest ran (\\d+) ms until idle \\((\\d+) ms of CPU\\), paused")
                    .matcher(member.stderr());
            assertTrue(warmed.find(), member.stderr());
            assertTrue(Long.parseLong(warmed.group(1)) >= 100, "idle is judged over 100 ms of running: " + warmed.group());
            member.process.destroy();
            assertEquals(0, member.waitForExit(Duration.ofSeconds(30)), member.stderr());
        }
    }

    @Test
    void withoutSerialConsoleTemplateAndCloneRunButLogNothing() throws Exception {
        assertTrue(template.stdout().contains("GUEST-READY"), "with its console a guest logs to stdout: " + template.stdout());
        // no console to watch: freeze after a fixed delay (mid-boot is fine, the clone continues from there)
        String spec = TestGuest.templateSpec().replace("\"freeze\":{\"trigger\":\"SerialConsole\",\"serialConsolePattern\":\"GUEST-READY\",",
                "\"devices\":{\"serialConsole\":false},\"freeze\":{\"trigger\":\"Delay\",\"delaySeconds\":1,");
        assertTrue(spec.contains("serialConsole"), spec);
        Map<String, String> env = new java.util.HashMap<>(env());
        env.put("VMT_TEMPLATE_SPEC", spec);
        Path quiet = root.resolve("quiet");
        String paths = "/vmt/memory=" + Files.createDirectories(quiet.resolve("memory")) + ":/vmt/state="
                + Files.createDirectories(quiet.resolve("state")) + ":" + TestGuest.bootPathMap();
        try (LauncherProcess build = LauncherProcess.start("template", env, paths + ":/vmt/run=" + quiet.resolve("run-t"), quiet.resolve("t"))) {
            assertEquals(0, build.waitForExit(Duration.ofMinutes(2)), build.stderr());
            assertEquals("Frozen", build.terminationMessage().path("outcome").asText());
            assertEquals("", build.stdout(), "no console, no guest output");
        }
        try (LauncherProcess clone = LauncherProcess.start("clone", env, paths + ":/vmt/run=" + quiet.resolve("run-c"), quiet.resolve("c"))) {
            clone.awaitReady(Duration.ofSeconds(60));
            assertEquals("running", Json.MAPPER.readTree(clone.get("/status").body()).path("state").asText());
            clone.process.destroy();
            assertEquals(0, clone.waitForExit(Duration.ofSeconds(30)), clone.stderr());
            assertEquals("", clone.stdout());
        } finally {
            Cleanup.deleteRecursively(quiet);
        }
    }

    @Test
    void templateAbortedBySigtermRemovesItsPartialFiles() throws Exception {
        Path memory = Files.createDirectories(root.resolve("abort/memory"));
        Path state = Files.createDirectories(root.resolve("abort/state"));
        String paths = "/vmt/memory=" + memory + ":/vmt/state=" + state + ":/vmt/run=" + root.resolve("abort/run") + ":" + TestGuest.bootPathMap();
        try (LauncherProcess build = LauncherProcess.start("template", env(), paths, root.resolve("abort/out"))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Files.exists(memory.resolve("pc.ram")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(Files.exists(memory.resolve("pc.ram")), "QEMU created its memory file: " + build.stderr());
            ProcessHandle qemu = build.qemu().orElseThrow();
            build.process.destroy(); // SIGTERM
            assertNotEquals(0, build.waitForExit(Duration.ofSeconds(30)));
            assertEquals("{\"outcome\":\"Failed\",\"error\":\"aborted by SIGTERM\"}", build.terminationMessage().toString());
            assertFalse(qemu.isAlive());
            try (var left = Files.list(memory)) {
                assertEquals(0, left.count(), "memory dir emptied");
            }
            try (var left = Files.list(state)) {
                assertEquals(0, left.count(), "state dir emptied");
            }
        }
    }
}
