package io.vmtemplating.crd;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading a structural schema node (an openAPIV3Schema or one of its parts); null stands for "no schema". */
final class Schemas {

    private Schemas() {
    }

    static JsonNode property(JsonNode schema, String name) {
        JsonNode property = schema == null ? null : schema.path("properties").get(name);
        return property != null && property.isObject() ? property : null;
    }

    /** The schema of a map's values ({@code additionalProperties: {type: string}}), or null. */
    static JsonNode additionalProperties(JsonNode schema) {
        JsonNode additional = schema == null ? null : schema.get("additionalProperties");
        return additional != null && additional.isObject() ? additional : null;
    }

    static JsonNode items(JsonNode schema) {
        JsonNode items = schema == null ? null : schema.get("items");
        return items != null && items.isObject() ? items : null;
    }

    static boolean preservesUnknownFields(JsonNode schema) {
        return schema != null && schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    }

    static boolean nullable(JsonNode schema) {
        return schema != null && schema.path("nullable").asBoolean(false);
    }
}
