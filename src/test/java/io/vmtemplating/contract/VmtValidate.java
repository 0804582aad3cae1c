package io.vmtemplating.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmtemplating.cli.ValidateCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** `vmt validate -o json -f FILE`, in-process through ValidateCommand.run, read back per object. */
public final class VmtValidate {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What vmt validate said about one object of the file, in file order. */
    public record Result(String kind, String name, boolean valid, List<String> violations) {
        public String message() {
            return valid ? "OK" : String.join("; ", violations);
        }
    }

    /** The whole run: its exit code, the per-object results, and stderr (for usage errors and unreadable files). */
    public record Run(int exitCode, List<Result> results, String stderr) {
        /** The last object's result; a file that could not be read counts as refused, with vmt's error. */
        public Result last() {
            if (results.isEmpty()) {
                return new Result("", "", exitCode == 0, List.of(exitCode == 0 ? "no object checked" : stderr.strip()));
            }
            return results.get(results.size() - 1);
        }
    }

    private VmtValidate() {
    }

    public static Run file(Path file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ValidateCommand.run(new String[] {"-o", "json", "-f", file.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        List<Result> results = new ArrayList<>();
        if (exit != 2) {
            try {
                for (JsonNode result : JSON.readTree(out.toByteArray()).path("results")) {
                    List<String> violations = new ArrayList<>();
                    result.path("violations").forEach(v -> violations.add(v.path("field").asText() + ": " + v.path("message").asText()));
                    results.add(new Result(result.path("kind").asText(), result.path("name").asText(),
                            result.path("valid").asBoolean(), violations));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Run(exit, results, err.toString(StandardCharsets.UTF_8));
    }

    /** The objects written as one JSON file (a List, as kubectl reads it), then validated. */
    public static Run objects(List<? extends JsonNode> objects, Path dir) {
        try {
            Path file = Files.createTempFile(dir, "spec", ".json");
            JsonNode list = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "List")
                    .set("items", JSON.valueToTree(objects));
            Files.write(file, JSON.writeValueAsBytes(list));
            try {
                return file(file);
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
