package io.vmtemplating.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What a frozen template records beside its state, in stateDir/metadata.json; written last, so its presence means
 * the template is complete. A clone checks it before QEMU starts.
 *
 * @param qemuVersion           "10.0.2" from query-version: a migration stream only loads into the same QEMU
 * @param qemuPackage           the distribution's package string, for humans
 * @param vmShape               the argv without template-memory mapping, -incoming and the run dir ({@link VmShape})
 * @param vmShapeSha256         hash of vmShape
 * @param migrationCapabilities the extra capabilities the state was saved with; the restore sets them too
 */
public record TemplateMetadata(
        String qemuVersion,
        String qemuPackage,
        String vmShapeSha256,
        List<String> vmShape,
        List<MemoryFile> memoryFiles,
        List<String> migrationCapabilities,
        long stateBytes,
        long bootMillis,
        long freezeMillis,
        String frozenAt) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One template memory file, named after its backend id inside memoryDir. */
    public record MemoryFile(String backendId, long sizeBytes) {
    }

    /**
     * Read from the JSON tree, not bound by Jackson: binding a record costs Jackson's introspection (annotations,
     * reflection: ~50 ms in a fresh JVM), and every clone start reads this file.
     */
    public static TemplateMetadata read(Path file) throws IOException {
        JsonNode json = JSON.readTree(file.toFile());
        if (json == null || !json.isObject()) {
            throw new IOException("not a JSON object");
        }
        List<MemoryFile> memoryFiles = new ArrayList<>();
        for (JsonNode memoryFile : json.path("memoryFiles")) {
            memoryFiles.add(new MemoryFile(memoryFile.path("backendId").asText(), memoryFile.path("sizeBytes").asLong()));
        }
        return new TemplateMetadata(json.path("qemuVersion").asText(), json.path("qemuPackage").asText(),
                json.path("vmShapeSha256").asText(), strings(json.path("vmShape")), memoryFiles, strings(json.path("migrationCapabilities")),
                json.path("stateBytes").asLong(), json.path("bootMillis").asLong(), json.path("freezeMillis").asLong(),
                json.path("frozenAt").asText());
    }

    private static List<String> strings(JsonNode array) {
        List<String> strings = new ArrayList<>();
        for (JsonNode element : array) {
            strings.add(element.asText());
        }
        return strings;
    }

    /** Written to a temporary name and renamed, so a reader never sees half a file. */
    public void write(Path file) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(temporary.toFile(), this);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
