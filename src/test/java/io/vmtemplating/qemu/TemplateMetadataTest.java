package io.vmtemplating.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateMetadataTest {
    @TempDir
    Path dir;

    @Test
    void whatTheFreezerWritesACloneReadsBack() throws IOException {
        TemplateMetadata written = new TemplateMetadata("10.0.2", "Debian 1:10.0.2+ds-1~bpo12+1", "ab12",
                List.of("-machine", "q35", "-m", "512M"), List.of(new TemplateMetadata.MemoryFile("ram-node0", 268435456L),
                        new TemplateMetadata.MemoryFile("ram-node1", 134217728L)),
                List.of("mapped-ram"), 338915, 6007, 30, "2026-11-27T07:00:00Z");
        Path file = dir.resolve("metadata.json");
        written.write(file);
        assertEquals(written, TemplateMetadata.read(file));
    }

    @Test
    void aFileThatIsNoObjectIsUnreadable() throws IOException {
        Path file = Files.writeString(dir.resolve("metadata.json"), "[1, 2]");
        assertEquals("not a JSON object", assertThrows(IOException.class, () -> TemplateMetadata.read(file)).getMessage());
        Files.writeString(file, "{\"qemuVersion\": ");
        assertThrows(IOException.class, () -> TemplateMetadata.read(file));
    }
}
