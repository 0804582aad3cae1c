package io.vmtemplating.contract;

import static io.vmtemplating.contract.SpecTrees.NODES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * A value with every field set, for a part of the schema with no limits of its own (placement.affinity is
 * Kubernetes' Affinity, which the CRD declares without constraints and the webhook does not read).
 */
final class SchemaFill {

    private SchemaFill() {
    }

    static JsonNode of(JsonNode schema) {
        switch (schema.path("type").asText("object")) {
            case "string":
                return NODES.textNode("x");
            case "integer":
                return NODES.numberNode(1);
            case "boolean":
                return NODES.booleanNode(true);
            case "array":
                return NODES.arrayNode().add(of(schema.path("items")));
            default:
                ObjectNode object = NODES.objectNode();
                for (Iterator<Map.Entry<String, JsonNode>> fields = schema.path("properties").fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    object.set(field.getKey(), of(field.getValue()));
                }
                if (schema.path("additionalProperties").isObject()) {
                    object.set("example.com/key", of(schema.get("additionalProperties")));
                }
                return object;
        }
    }
}
