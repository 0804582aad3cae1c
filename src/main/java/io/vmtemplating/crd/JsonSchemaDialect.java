package io.vmtemplating.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * A CRD's structural schema rewritten as plain JSON Schema (draft 7) with Kubernetes' meaning, so a general
 * validator checks what the API server checks: {@code nullable} and {@code x-kubernetes-int-or-string} become
 * type lists, OpenAPI's boolean {@code exclusiveMaximum} becomes draft 7's number, and what is not a value
 * check (descriptions, defaults, CEL rules, other x-kubernetes-* markers) is left out. Unknown fields are not
 * this schema's business: {@link Pruning} finds them the way the server does.
 */
final class JsonSchemaDialect {

    /** Keywords whose value is itself a keyword value (copied as is). */
    private static final Set<String> VALUE_KEYWORDS = Set.of("required", "enum", "pattern", "minimum", "maximum",
            "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties", "multipleOf",
            "uniqueItems", "format");
    private static final Set<String> SCHEMA_LISTS = Set.of("allOf", "anyOf", "oneOf");

    private JsonSchemaDialect() {
    }

    static ObjectNode toJsonSchema(JsonNode structural) {
        ObjectNode schema = convert(structural);
        schema.put("$schema", "http://json-schema.org/draft-07/schema#");
        return schema;
    }

    private static ObjectNode convert(JsonNode source) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> fields = source.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String keyword = field.getKey();
            JsonNode value = field.getValue();
            if (VALUE_KEYWORDS.contains(keyword)) {
                out.set(keyword, value.deepCopy());
            } else if (keyword.equals("properties")) {
                ObjectNode properties = out.putObject("properties");
                value.fields().forEachRemaining(p -> properties.set(p.getKey(), convert(p.getValue())));
            } else if (keyword.equals("items") || keyword.equals("not")
                    || (keyword.equals("additionalProperties") && value.isObject())) {
                out.set(keyword, convert(value));
            } else if (SCHEMA_LISTS.contains(keyword)) {
                ArrayNode list = out.putArray(keyword);
                value.forEach(item -> list.add(convert(item)));
            }
        }
        type(source, out);
        exclusive(source, out, "exclusiveMaximum", "maximum");
        exclusive(source, out, "exclusiveMinimum", "minimum");
        return out;
    }

    private static void type(JsonNode source, ObjectNode out) {
        ArrayNode types = JsonNodeFactory.instance.arrayNode();
        if (source.path("x-kubernetes-int-or-string").asBoolean(false)) {
            types.add("integer").add("string");
        } else if (source.hasNonNull("type")) {
            types.add(source.get("type").asText());
        }
        if (types.isEmpty()) {
            return;
        }
        if (source.path("nullable").asBoolean(false)) {
            types.add("null");
        }
        out.set("type", types.size() == 1 ? types.get(0) : types);
    }

    /** OpenAPI v3.0's {@code exclusiveMaximum: true} beside {@code maximum: X} is draft 7's {@code exclusiveMaximum: X}. */
    private static void exclusive(JsonNode source, ObjectNode out, String exclusiveKeyword, String boundKeyword) {
        if (source.path(exclusiveKeyword).asBoolean(false) && source.has(boundKeyword)) {
            out.remove(boundKeyword);
            out.set(exclusiveKeyword, source.get(boundKeyword).deepCopy());
        }
    }
}
