package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admission's checks in a launcher JVM on the launcher's own class path (our classes and Jackson: no fabric8,
 * networknt or cel-java), where a check that needed any of them would fail to load instead of refusing: the CRD's
 * limits in a template pod, the webhook's rules (every rule class, as the template's spec passes them) in a clone pod.
 * The QEMU binary does not exist: a spec that got past the checks would end "Failed", not "InvalidSpec".
 */
class LauncherJvmAdmissionTest {
    @TempDir
    Path dir;

    private JsonNode refused(String mode, Map<String, String> env) throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start(mode, env, "/vmt=" + dir, dir.resolve("out"))) {
            assertEquals(PodContract.EXIT_INVALID_SPEC, launcher.waitForExit(Duration.ofSeconds(30)), launcher.stderr());
            assertFalse(launcher.stderr().contains("\tat "), launcher.stderr());
            JsonNode result = launcher.terminationMessage();
            assertEquals(LauncherResult.INVALID_SPEC, result.path("outcome").asText());
            return result;
        }
    }

    @Test
    void multiProcessMachineIsRefusedInATemplatePod() throws Exception {
        String spec = TestGuest.templateSpec().replace("{\"memory\"", "{\"machine\":\"x-remote\",\"memory\"");
        JsonNode result = refused("template", Map.of("VMT_TEMPLATE_SPEC", spec, "VMT_QEMU_BINARY", "/nonexistent/qemu"));
        assertEquals("spec.machine: \"x-remote\" does not match ^(q35|pc|pc-q35-[0-9]+\\.[0-9]+|pc-i440fx-[0-9]+\\.[0-9]+)$;"
                + " set q35, pc, pc-q35-X.Y or pc-i440fx-X.Y", result.path("error").asText());
    }

    @Test
    void cloneThatDoesNotFitItsTemplateIsRefusedInAClonePod() throws Exception {
        JsonNode result = refused("clone", Map.of("VMT_TEMPLATE_SPEC", TestGuest.templateSpec(),
                "VMT_CLONE_SPEC", "{\"templateRef\":{\"name\":\"t\"},\"cpus\":2}", "VMT_QEMU_BINARY", "/nonexistent/qemu"));
        assertEquals("spec.cpus: 2 does not match VmTemplate t (1): device state only restores into the same VM; set 1 or remove it",
                result.path("error").asText());
    }
}
