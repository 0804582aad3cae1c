package io.vmtemplating.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * The schema's {@code default:} values, applied as the API server applies them (structuraldefaulting.Default):
 * a missing field, or a null one that is not nullable, gets its default, at every level of an object that is
 * present. The server does this while decoding, before validation and before any webhook sees the object, so
 * rules such as "self.trigger != 'SerialConsole' || ..." see the default trigger. Pure: returns a copy.
 */
public final class Defaulting {

    private Defaulting() {
    }

    public static ObjectNode apply(ObjectNode object, JsonNode schema) {
        ObjectNode copy = object.deepCopy();
        fill(copy, schema);
        return copy;
    }

    private static void fill(JsonNode value, JsonNode schema) {
        if (schema == null) {
            return;
        }
        if (value instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields(); properties.hasNext(); ) {
                Map.Entry<String, JsonNode> property = properties.next();
                JsonNode defaultValue = property.getValue().get("default");
                JsonNode current = object.get(property.getKey());
                if (defaultValue != null && (current == null || nonNullableNull(current, property.getValue()))) {
                    object.set(property.getKey(), defaultValue.deepCopy());
                }
            }
            JsonNode additional = Schemas.additionalProperties(schema);
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode property = Schemas.property(schema, field.getKey());
                if (property != null) {
                    fill(field.getValue(), property);
                } else if (additional != null) {
                    if (nonNullableNull(field.getValue(), additional) && additional.has("default")) {
                        field.setValue(additional.get("default").deepCopy());
                    }
                    fill(field.getValue(), additional);
                }
            }
        } else if (value instanceof ArrayNode array) {
            JsonNode items = Schemas.items(schema);
            for (int i = 0; i < array.size(); i++) {
                if (items != null && nonNullableNull(array.get(i), items) && items.has("default")) {
                    array.set(i, items.get("default").deepCopy());
                }
                fill(array.get(i), items);
            }
        }
    }

    private static boolean nonNullableNull(JsonNode value, JsonNode schema) {
        return value.isNull() && !Schemas.nullable(schema);
    }
}
