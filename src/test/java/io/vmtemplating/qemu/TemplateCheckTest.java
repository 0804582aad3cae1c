package io.vmtemplating.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pre-start checks against a template written by hand (the real-QEMU tests cover a real one). */
class TemplateCheckTest {
    @TempDir
    Path dir;
    private NodePaths templatePaths;
    private NodePaths clonePaths;
    private final VmDefinition vm = Specs.minimal();

    @BeforeEach
    void writeTemplate() throws IOException {
        templatePaths = new NodePaths(Files.createDirectories(dir.resolve("mem")), Files.createDirectories(dir.resolve("state")), dir.resolve("run-t"));
        clonePaths = new NodePaths(templatePaths.memoryDir(), templatePaths.stateDir(), dir.resolve("run-c"));
        try (RandomAccessFile memory = new RandomAccessFile(templatePaths.memoryFile("pc.ram").toFile(), "rw")) {
            memory.setLength(512L << 20); // sparse
        }
        Files.writeString(templatePaths.stateFile(), "state");
        List<String> shape = VmShape.normalize(QemuCommandLine.build(vm, templatePaths, Specs.TCG, Role.TEMPLATE), templatePaths);
        new TemplateMetadata("10.0.2", "Debian", VmShape.sha256(shape), shape, List.of(new TemplateMetadata.MemoryFile("pc.ram", 512L << 20)),
                List.of(), 5, 6000, 15, "2026-01-01T00:00:00Z").write(templatePaths.metadataFile());
    }

    private String refusal(VmDefinition clone, HostFacts host) {
        List<String> argv = QemuCommandLine.build(clone, clonePaths, host, Role.CLONE);
        return assertThrows(TemplateMismatchException.class, () -> TemplateCheck.verify(clone, clonePaths, host, argv)).getMessage();
    }

    @Test
    void acceptsTheMatchingClone() {
        TemplateMetadata metadata = TemplateCheck.verify(vm, clonePaths, Specs.TCG, QemuCommandLine.build(vm, clonePaths, Specs.TCG, Role.CLONE));
        assertEquals(6000, metadata.bootMillis());
    }

    @Test
    void refusesATemplateNeverFrozen() throws IOException {
        Files.delete(templatePaths.metadataFile());
        assertEquals("template metadata " + templatePaths.metadataFile() + " is missing: the template was not frozen on this node"
                + " or its files were removed; rebuild the template", refusal(vm, Specs.TCG));
    }

    @Test
    void refusesAMemoryFileChangedAfterTheFreeze() throws IOException {
        try (RandomAccessFile memory = new RandomAccessFile(templatePaths.memoryFile("pc.ram").toFile(), "rw")) {
            memory.setLength(256L << 20);
        }
        assertEquals("template memory file " + templatePaths.memoryFile("pc.ram") + " is 268435456 bytes but the template recorded"
                + " 536870912 bytes; the file was changed after the freeze: rebuild the template", refusal(vm, Specs.TCG));
    }

    @Test
    void refusesAMissingStateFile() throws IOException {
        Files.delete(templatePaths.stateFile());
        assertEquals("template state file " + templatePaths.stateFile() + " is missing; rebuild the template", refusal(vm, Specs.TCG));
    }

    @Test
    void refusesAnotherNumaLayout() {
        assertEquals("clone memory backends [ram-node0, ram-node1] differ from the template's [pc.ram]; a clone needs its template's NUMA layout",
                refusal(Specs.withNuma(vm, 1, List.of(256L, 256L)), Specs.TCG));
    }

    @Test
    void refusesAnotherAccelerator() {
        assertEquals("clone VM shape differs from the template's (argument 4: template has 'tcg', clone has 'kvm'); a clone must use"
                + " its template's machine, CPUs, memory and devices", refusal(vm, Specs.KVM));
    }
}
