package io.vmtemplating.qemu;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vmtemplating.json.JsonText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a frozen template records beside its state, in stateDir/metadata.json; written last, so its presence means
 * the template is complete. A clone checks it before anything is loaded into its QEMU.
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

    /** The template side's writer, created on first write only: a clone that just reads never builds a Jackson mapper. */
    private static final class Writer {
        static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** One template memory file, named after its backend id inside memoryDir. */
    public record MemoryFile(String backendId, long sizeBytes) {
    }

    /**
     * Read with {@link JsonText}, not Jackson: every clone start reads this file between QEMU's exec and the load,
     * and Jackson's first use (an ObjectMapper, a tree or record binding) cost that path ~100 ms, measured.
     */
    public static TemplateMetadata read(Path file) throws IOException {
        Object parsed;
        try {
            parsed = JsonText.parse(Files.readString(file));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> json)) {
            throw new IOException("not a JSON object");
        }
        List<MemoryFile> memoryFiles = new ArrayList<>();
        for (Object memoryFile : list(json, "memoryFiles")) {
            Map<?, ?> fields = memoryFile instanceof Map<?, ?> map ? map : Map.of();
            memoryFiles.add(new MemoryFile(text(fields, "backendId"), number(fields, "sizeBytes")));
        }
        return new TemplateMetadata(text(json, "qemuVersion"), text(json, "qemuPackage"), text(json, "vmShapeSha256"),
                strings(json, "vmShape"), memoryFiles, strings(json, "migrationCapabilities"), number(json, "stateBytes"),
                number(json, "bootMillis"), number(json, "freezeMillis"), text(json, "frozenAt"));
    }

    // absent or mistyped fields read as empty: the clone check then names what does not match

    private static String text(Map<?, ?> json, String field) {
        return json.get(field) instanceof String text ? text : "";
    }

    private static long number(Map<?, ?> json, String field) {
        return json.get(field) instanceof Long number ? number : 0;
    }

    private static List<?> list(Map<?, ?> json, String field) {
        return json.get(field) instanceof List<?> list ? list : List.of();
    }

    private static List<String> strings(Map<?, ?> json, String field) {
        List<String> strings = new ArrayList<>();
        for (Object element : list(json, field)) {
            strings.add(String.valueOf(element));
        }
        return strings;
    }

    /** Written to a temporary name and renamed, so a reader never sees half a file. */
    public void write(Path file) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Writer.JSON.writeValue(temporary.toFile(), this);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
