package io.vmtemplating.contract;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sample passes the CRD's own checks (schema, unknown fields, CEL rules), except that a rejected sample may
 * break a CEL rule exactly as its "# expect:" lines state; broken inputs get the API server's messages.
 */
class SamplesSchemaTest {
    private static final CrdSchemas SCHEMAS = new CrdSchemas();

    static Stream<Path> samples() {
        return ProjectFiles.yamlFilesUnder("samples").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void sampleMatchesCrdSchema(Path sample) throws IOException {
        List<JsonNode> documents = documents(sample);
        assertFalse(documents.isEmpty(), ProjectFiles.relative(sample) + " holds no object");
        // a rejected sample may break a CEL rule of the CRD: then exactly what its "# expect:" lines say
        List<String> expected = java.nio.file.Files.readAllLines(sample).stream().takeWhile(l -> l.startsWith("#"))
                .filter(l -> l.startsWith("# expect: ")).map(l -> l.substring("# expect: ".length())).toList();
        for (JsonNode document : documents) {
            List<String> errors = SCHEMAS.errors(document);
            assertTrue(expected.containsAll(errors), ProjectFiles.relative(sample) + " "
                    + document.path("metadata").path("name").asText() + ": " + errors);
            Class<?> type = switch (document.path("kind").asText()) {
                case "VmTemplate" -> VmTemplate.class;
                case "VmClonePool" -> io.vmtemplating.api.v1alpha1.VmClonePool.class;
                default -> VmClone.class;
            };
            // and the operator's own classes read it
            assertTrue(type.isInstance(Serialization.unmarshal(document.toString(), type)));
        }
    }

    static Stream<Arguments> brokenInputs() {
        String template = """
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmTemplate
                metadata: {name: t}
                spec:
                  memory: {size: %s}
                  boot: {kernel: {hostPath: {path: /k}}%s}
                """;
        return Stream.of(
                Arguments.of(template.formatted("512MB", ""), "spec.memory.size: Invalid value: \"512MB\": spec.memory.size in body should match '^[1-9][0-9]{0,6}(Mi|Gi)$'"),
                Arguments.of(template.formatted("512Mi", ", kernal: {}"), "unknown field \"spec.boot.kernal\""),
                Arguments.of(template.formatted("512Mi", "").replace("kernel: {hostPath: {path: /k}}", "kernel: {hostPath: {}}"),
                        "spec.boot.kernel.hostPath.path: Required value"),
                Arguments.of("""
                        apiVersion: vmtemplating.io/v1alpha1
                        kind: VmClone
                        metadata: {name: c}
                        spec: {running: true}
                        """, "spec: Invalid value: \"object\": set exactly one of templateRef (restore from a template) or poolRef"),
                Arguments.of("""
                        apiVersion: vmtemplating.io/v1alpha1
                        kind: VmClone
                        metadata: {name: c}
                        spec: {templateRef: {name: t}, portForwards: [{podPort: 80, guestPort: 80}]}
                        """, "spec.portForwards[0].podPort: Invalid value: 80: spec.portForwards[0].podPort in body should be greater than or equal to 1024"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("brokenInputs")
    void brokenInputIsRefusedWithReadableMessage(String yaml, String expectedMessageStart) throws IOException {
        List<String> errors = SCHEMAS.errors(CrdSchemas.YAML.readTree(yaml));
        assertTrue(errors.stream().anyMatch(e -> e.startsWith(expectedMessageStart)),
                "expected an error starting with '" + expectedMessageStart + "' but got " + errors);
    }

    @Test
    void everyKindHasASample() throws IOException {
        List<String> kinds = new ArrayList<>();
        for (Path sample : samples().toList()) {
            documents(sample).forEach(d -> kinds.add(d.path("kind").asText()));
        }
        assertTrue(kinds.contains("VmTemplate") && kinds.contains("VmClone"), kinds.toString());
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = CrdSchemas.YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode node = it.next();
                if (node != null && !node.isNull() && !node.isEmpty()) {
                    documents.add(node);
                }
            }
        }
        return documents;
    }
}
