package io.vmtemplating.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValidateCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void validFilesPrintOkAndExitZero() {
        assertEquals(0, run("-f", "src/test/resources/valid/hugetlbfs-disk-template.yaml"));
        assertEquals("src/test/resources/valid/hugetlbfs-disk-template.yaml: VmTemplate/huge: OK\n", stdout());
    }

    @Test
    void violationsArePrintedOnePerLineAndExitOne() {
        assertEquals(1, run("-f", "samples/rejected/clone-cpus-mismatch.yaml"));
        assertEquals("samples/rejected/clone-cpus-mismatch.yaml: VmTemplate/clone-cpus-mismatch-template: OK\n"
                + "samples/rejected/clone-cpus-mismatch.yaml: VmClone/clone-cpus-mismatch: spec.cpus: 2 does not match"
                + " VmTemplate clone-cpus-mismatch-template (1): device state only restores into the same VM; set 1 or"
                + " remove it\n", stdout());
    }

    @Test
    void jsonOutput() throws Exception {
        assertEquals(1, run("-o", "json", "-f", "samples/rejected/balloon-free-page-hinting.yaml",
                "-f", "src/test/resources/valid"));
        JsonNode json = new ObjectMapper().readTree(stdout());
        assertEquals(false, json.get("valid").asBoolean());
        assertEquals("spec.devices.balloon.freePageHinting", json.at("/results/0/violations/0/field").asText());
        assertEquals(6, json.get("results").size());
    }

    @Test
    void directoriesAndMultipleDocuments(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("all.yml"), Files.readString(Path.of("samples/rejected/clone-memory-mismatch.yaml"))
                + "\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ignored}\n---\n");
        Files.writeString(dir.resolve("notes.txt"), "not a manifest");
        assertEquals(1, run("-f", dir.toString()));
        assertTrue(stdout().contains("VmClone/clone-memory-mismatch: spec.memory.size: 256Mi does not match"), stdout());
    }

    @Test
    void usageErrorsAndUnreadableFilesExitTwo(@TempDir Path dir) throws Exception {
        assertEquals(2, run());
        assertTrue(stderr().contains("usage: vmt validate"));
        assertEquals(2, run("-f", "x.yaml", "-o", "xml"));
        assertEquals(2, run("--frobnicate"));
        err.reset();
        assertEquals(2, run("-f", dir.resolve("missing.yaml").toString()));
        assertTrue(stderr().startsWith("vmt validate: cannot read " + dir.resolve("missing.yaml")), stderr());
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "kind: VmTemplate\nspec: [unclosed\n");
        err.reset();
        assertEquals(2, run("-f", broken.toString()));
        assertTrue(stderr().startsWith("vmt validate: cannot read " + broken + ": "), stderr());
    }

    @Test
    void unknownFieldsAreViolations(@TempDir Path dir) throws Exception {
        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, Files.readString(Path.of("src/test/resources/valid/image-kernel-clone-first.yaml"))
                .replace("  running", "  runing").replace("  cpus: 8\n---", "  cpus: 8\n  runing: true\n---"));
        assertEquals(1, run("-f", typo.toString()));
        assertTrue(stdout().contains("VmClone/early: spec.runing: unknown field \"runing\"; check the spelling"), stdout());
    }

    private static final String TEMPLATE = """
            apiVersion: %s
            kind: VmTemplate
            metadata: {name: t}
            spec:
              memory: {size: 512Mi}
              boot: {kernel: {hostPath: {path: /var/lib/vmtemplating/guest/vmlinuz}}}
              freeze: {serialConsolePattern: READY}
            %s""";

    @Test
    void schemaErrorsReadAsTheApiServerWritesThem(@TempDir Path dir) throws Exception {
        assertEquals(1, run("-f", file(dir, TEMPLATE.formatted("vmtemplating.io/v1alpha1", "  cpus: 65\n  machine: q36\n"))));
        assertEquals(out(dir, "spec.cpus: Invalid value: 65: spec.cpus in body should be less than or equal to 64")
                + out(dir, "spec.machine: Invalid value: \"q36\": spec.machine in body should match"
                + " '^(q35|pc|pc-q35-[0-9]+\\.[0-9]+|pc-i440fx-[0-9]+\\.[0-9]+)$'"), stdout());
    }

    @Test
    void aWrongTypeSaysSoAndThatTheCelRulesWaited(@TempDir Path dir) throws Exception {
        assertEquals(1, run("-f", file(dir, TEMPLATE.formatted("vmtemplating.io/v1alpha1", "  cpus: two\n"))));
        assertEquals(out(dir, "spec.cpus: Invalid value: \"string\": spec.cpus in body must be of type integer: \"string\"")
                + out(dir, "(object): some validation rules were not checked because the object was invalid; correct the"
                + " existing errors to complete validation"), stdout());
    }

    @Test
    void celRulesRunOnTheDefaultedObject(@TempDir Path dir) throws Exception {
        // no trigger: the schema's default, SerialConsole, applies before the rule that needs the pattern
        String yaml = TEMPLATE.formatted("vmtemplating.io/v1alpha1", "").replace("freeze: {serialConsolePattern: READY}",
                "freeze: {timeoutSeconds: 300}");
        assertEquals(1, run("-f", file(dir, yaml)));
        assertEquals(out(dir, "spec.freeze: Invalid value: \"object\": freeze.serialConsolePattern is required when"
                + " freeze.trigger is SerialConsole"), stdout());
    }

    @Test
    void unknownFieldsAreNamedWithTheirPath(@TempDir Path dir) throws Exception {
        assertEquals(1, run("-f", file(dir, TEMPLATE.formatted("vmtemplating.io/v1alpha1", "  devices: {balloon: {enable: true}}\n"))));
        assertEquals(out(dir, "spec.devices.balloon.enable: unknown field \"enable\"; check the spelling (kubectl explain"
                + " shows the fields)"), stdout());
    }

    @Test
    void theRemovedLauncherImageSaysWhyAndWhatToDo(@TempDir Path dir) throws Exception {
        assertEquals(1, run("-f", file(dir, TEMPLATE.formatted("vmtemplating.io/v1alpha1", "  launcherImage: registry.example/mine:1\n"))));
        assertEquals(out(dir, "spec.launcherImage: unknown field \"launcherImage\"; was removed: every launcher and cleanup pod"
                + " runs the image the cluster admin configured (operator setting vmt.launcher-image), never one a template"
                + " names; delete this field"), stdout());
    }

    @Test
    void anUnservedVersionIsNoMatch(@TempDir Path dir) throws Exception {
        assertEquals(1, run("-f", file(dir, TEMPLATE.formatted("vmtemplating.io/v1", ""))));
        assertEquals(out(dir, "apiVersion: no matches for kind \"VmTemplate\" in version \"vmtemplating.io/v1\";"
                + " use apiVersion vmtemplating.io/v1alpha1"), stdout());
    }

    @Test
    void aMisspeltKindNamesTheServedKinds(@TempDir Path dir) throws Exception {
        assertEquals(1, run("-f", file(dir, TEMPLATE.formatted("vmtemplating.io/v1alpha1", "").replace("kind: VmTemplate", "kind: VMTemplate"))));
        assertEquals(dir.resolve("t.yaml") + ": VMTemplate/t: apiVersion: no matches for kind \"VMTemplate\" in version"
                + " \"vmtemplating.io/v1alpha1\"; kind must be one of VmTemplate, VmClone, VmClonePool; check its spelling\n", stdout());
    }

    @Test
    void badNamesAreRefusedWithTheServersRule(@TempDir Path dir) throws Exception {
        assertEquals(1, run("-f", file(dir, TEMPLATE.formatted("vmtemplating.io/v1alpha1", "").replace("name: t", "name: My_VM"))));
        assertTrue(stdout().startsWith(dir.resolve("t.yaml") + ": VmTemplate/My_VM: metadata.name: Invalid value: \"My_VM\":"
                + " a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'"), stdout());
    }

    @Test
    void yamlValuesMeanWhatTheyMeanToKubectl(@TempDir Path dir) throws Exception {
        // go-yaml, which kubectl uses, reads y as true and 0o17 as 15: Jackson alone would see strings
        String clone = "apiVersion: vmtemplating.io/v1alpha1\nkind: VmClone\nmetadata: {name: c}\n"
                + "spec: {templateRef: {name: t}, running: y, cpus: 0o17}\n";
        assertEquals(0, run("-f", file(dir, clone)));
        assertEquals(dir.resolve("t.yaml") + ": VmClone/c: OK\n", stdout());
    }

    private static String file(Path dir, String yaml) throws Exception {
        return Files.writeString(dir.resolve("t.yaml"), yaml).toString();
    }

    private static String out(Path dir, String violation) {
        return dir.resolve("t.yaml") + ": VmTemplate/t: " + violation + "\n";
    }

    private int run(String... args) {
        return ValidateCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
