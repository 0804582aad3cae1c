package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher as a process, for what needs no QEMU: refused specs and the cleanup mode. */
class LauncherProcessTest {
    @TempDir
    Path dir;

    private JsonNode runExpecting(int exitCode, String mode, Map<String, String> env, String pathMap) throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start(mode, env, pathMap, dir.resolve("out"))) {
            assertEquals(exitCode, launcher.waitForExit(Duration.ofSeconds(30)), launcher.stderr());
            return launcher.terminationMessage();
        }
    }

    @Test
    void specThatIsNotJsonIsInvalidSpec() throws Exception {
        JsonNode result = runExpecting(2, "template", Map.of("VMT_TEMPLATE_SPEC", "memory: 1Gi"), "/vmt=" + dir);
        assertEquals("InvalidSpec", result.path("outcome").asText());
        assertTrue(result.path("error").asText().startsWith("VMT_TEMPLATE_SPEC: is not valid JSON of a VmTemplateSpec"), result.toString());
    }

    @Test
    void invalidMemorySizeNamesTheField() throws Exception {
        String spec = TestGuest.templateSpec().replace("256Mi", "256MB");
        JsonNode result = runExpecting(2, "clone", Map.of("VMT_TEMPLATE_SPEC", spec, "VMT_CLONE_SPEC", "{\"templateRef\":{\"name\":\"t\"}}"),
                "/vmt=" + dir);
        assertEquals("InvalidSpec", result.path("outcome").asText());
        assertEquals("spec.memory.size: \"256MB\" does not match ^[1-9][0-9]{0,6}(Mi|Gi)$; write a whole number of Mi or Gi"
                + " with at most 7 digits, e.g. 512Mi", result.path("error").asText());
    }

    @Test
    void cleanupEmptiesTheTemplatesOwnDirectoriesWithoutFollowingLinks() throws Exception {
        String uid = "0f3c1d2e-1111-2222-3333-444455556666";
        // the two directories the cleanup pod mounts (LauncherPods.cleanupPod); the memory one is already empty
        Path state = Files.createDirectories(dir.resolve("state-root/" + uid));
        Files.writeString(state.resolve("state"), "x");
        Files.writeString(Files.createDirectories(state.resolve("nested")).resolve("metadata.json"), "{}");
        Path outside = Files.writeString(dir.resolve("outside"), "keep");
        Files.createSymbolicLink(state.resolve("link"), outside);
        Path memory = Files.createDirectories(dir.resolve("memory-root/" + uid));
        String paths = "/vmt/state=" + state + ":/vmt/memory=" + memory;
        try (LauncherProcess launcher = LauncherProcess.start("cleanup", Map.of("VMT_TEMPLATE_UID", uid), paths, dir.resolve("out"))) {
            assertEquals(0, launcher.waitForExit(Duration.ofSeconds(30)), launcher.stderr());
        }
        // the mount points stay (a pod cannot remove them), empty
        try (var left = Files.list(state)) {
            assertEquals(List.of(), left.toList());
        }
        assertTrue(Files.isDirectory(memory));
        assertEquals("keep", Files.readString(outside), "a link is removed, never its target");
    }

    @Test
    void cleanupRefusesAUidThatIsNotOne() throws Exception {
        JsonNode result = runExpecting(2, "cleanup", Map.of("VMT_TEMPLATE_UID", "../etc"), "/vmt=" + dir);
        assertEquals("VMT_TEMPLATE_UID: '../etc' is not a Kubernetes UID", result.path("error").asText());
    }
}
