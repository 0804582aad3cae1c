package io.vmtemplating.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads Kubernetes manifests the way {@code kubectl apply -f} does: files or directories (only *.yaml, *.yml
 * and *.json inside them, recursively with -R), multi-document YAML with kubectl's reading of its values, JSON, and
 * {@code kind: List} unpacked.
 */
public final class ManifestFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One document of a file (YAML is a superset of JSON, so one parser reads both). */
    public record Document(Path file, JsonNode tree) {
    }

    /** A file that does not exist or does not parse; the message names it. */
    public static final class UnreadableFileException extends Exception {
        UnreadableFileException(String message) {
            super(message);
        }
    }

    private ManifestFiles() {
    }

    public static List<Document> read(List<Path> paths, boolean recursive) throws UnreadableFileException {
        List<Document> documents = new ArrayList<>();
        for (Path path : paths) {
            for (Path file : files(path, recursive)) {
                documents.addAll(documents(file));
            }
        }
        return documents;
    }

    private static List<Path> files(Path path, boolean recursive) throws UnreadableFileException {
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        try (Stream<Path> walk = Files.walk(path, recursive ? Integer.MAX_VALUE : 1)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().matches(".*\\.(ya?ml|json)$"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UnreadableFileException("cannot read directory " + path + ": " + e.getMessage());
        }
    }

    private static List<Document> documents(Path file) throws UnreadableFileException {
        List<Document> documents = new ArrayList<>();
        try {
            String text = Files.readString(file);
            for (JsonNode tree : trees(text)) {
                if (tree == null || !tree.isObject()) {
                    continue; // empty documents ("---" at the end) are normal in YAML streams
                }
                if (tree.path("kind").asText().equals("List") && tree.path("items").isArray()) {
                    tree.get("items").forEach(item -> documents.add(new Document(file, item)));
                } else {
                    documents.add(new Document(file, tree));
                }
            }
        } catch (IOException | RuntimeException e) {
            String reason = e.getMessage() == null ? "not YAML or JSON" : e.getMessage().lines().findFirst().orElse("");
            throw new UnreadableFileException("cannot read " + file + ": " + reason);
        }
        return documents;
    }

    /**
     * The documents as kubectl reads them: a stream that starts with '{' is JSON (kubectl's YAMLOrJSONDecoder),
     * anything else YAML with go-yaml's meaning of plain scalars ({@link KubectlYaml}).
     */
    private static List<JsonNode> trees(String text) throws IOException {
        if (text.stripLeading().startsWith("{")) {
            List<JsonNode> trees = new ArrayList<>();
            try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(text)) {
                while (it.hasNextValue()) {
                    trees.add(it.nextValue());
                }
            }
            return trees;
        }
        return KubectlYaml.documents(new StringReader(text));
    }
}
