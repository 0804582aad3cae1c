package io.vmtemplating.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The openAPIV3Schema of each checked-in CRD as a JSON schema, made strict: where Kubernetes would drop an
 * unknown field (and kubectl only warns), these tests fail, so a sample with a typo cannot pass.
 */
final class CrdSchemas {
    static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Schema> schemaByKind = new HashMap<>();

    CrdSchemas() {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
        for (Path crd : ProjectFiles.yamlFilesUnder("crds")) {
            try {
                JsonNode doc = YAML.readTree(crd.toFile());
                String kind = doc.at("/spec/names/kind").asText();
                ObjectNode schema = doc.at("/spec/versions/0/schema/openAPIV3Schema").deepCopy();
                // the API server handles these itself; a CRD schema leaves them out
                ObjectNode properties = (ObjectNode) schema.get("properties");
                properties.putObject("apiVersion").put("type", "string");
                properties.putObject("kind").put("type", "string");
                properties.putObject("metadata").put("type", "object");
                strict(schema);
                schemaByKind.put(kind, registry.getSchema(JSON.writeValueAsString(schema), InputFormat.JSON));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Schema errors of one object, each as "path: message"; empty when valid. */
    List<String> errors(JsonNode object) {
        String kind = object.path("kind").asText();
        Schema schema = schemaByKind.get(kind);
        if (schema == null) {
            return List.of("kind '" + kind + "' is not one of " + schemaByKind.keySet());
        }
        try {
            return schema.validate(JSON.writeValueAsString(object), InputFormat.JSON).stream()
                    .map(Error::toString)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void strict(JsonNode node) {
        if (!(node instanceof ObjectNode object)) {
            return;
        }
        boolean preservesUnknown = object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (object.has("properties") && !object.has("additionalProperties") && !preservesUnknown) {
            object.put("additionalProperties", false);
        }
        for (Iterator<JsonNode> children = object.elements(); children.hasNext(); ) {
            JsonNode child = children.next();
            if (child.isArray()) {
                child.forEach(CrdSchemas::strict);
            } else {
                strict(child);
            }
        }
    }
}
