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
