package io.vmtemplating.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the API server does to a custom resource while decoding it (apiextensions-apiserver's
 * unstructuredSchemaCoercer): drops the fields its structural schema does not declare, reporting their paths,
 * which strict field validation (kubectl's default) turns into an error; then drops nulls that are neither
 * nullable nor defaulted. Pure: returns a pruned copy.
 */
public final class Pruning {

    /** ObjectMeta's JSON fields: anything else under metadata is unknown to the server too. */
    private static final Set<String> OBJECT_META = Set.of("name", "generateName", "namespace", "selfLink", "uid",
            "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
            "labels", "annotations", "ownerReferences", "finalizers", "managedFields");
    private static final Set<String> RESOURCE_ROOT = Set.of("apiVersion", "kind", "metadata");

    /** The object without undeclared fields, and their paths in the server's form ({@code spec.ports[0].nmae}). */
    public record Pruned(ObjectNode object, List<String> unknownFields) {
    }

    private Pruning() {
    }

    public static Pruned prune(ObjectNode object, JsonNode schema) {
        ObjectNode copy = object.deepCopy();
        List<String> unknown = new ArrayList<>();
        if (copy.get("metadata") instanceof ObjectNode metadata) {
            for (Iterator<String> names = metadata.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!OBJECT_META.contains(name)) {
                    unknown.add("metadata." + name);
                    names.remove();
                }
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = copy.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (RESOURCE_ROOT.contains(field.getKey())) {
                continue;
            }
            JsonNode property = Schemas.property(schema, field.getKey());
            if (property == null) {
                unknown.add(field.getKey());
                fields.remove();
            } else {
                prune(field.getValue(), property, field.getKey(), unknown);
            }
        }
        dropNulls(copy, schema, true);
        unknown.sort(null);
        return new Pruned(copy, List.copyOf(unknown));
    }

    private static void prune(JsonNode value, JsonNode schema, String path, List<String> unknown) {
        if (Schemas.preservesUnknownFields(schema)) {
            return; // what lies below is kept as sent (our CRDs have none; listed for completeness)
        }
        if (value instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode child = Schemas.property(schema, field.getKey());
                if (child == null) {
                    child = Schemas.additionalProperties(schema);
                }
                String childPath = path + "." + field.getKey();
                if (child == null) {
                    unknown.add(childPath);
                    fields.remove();
                } else {
                    prune(field.getValue(), child, childPath, unknown);
                }
            }
        } else if (value instanceof ArrayNode array) {
            JsonNode items = Schemas.items(schema);
            for (int i = 0; i < array.size(); i++) {
                prune(array.get(i), items, path + "[" + i + "]", unknown);
            }
        }
    }

    /** structuraldefaulting.PruneNonNullableNullsWithoutDefaults: {@code cmdline: null} means "not set". */
    private static void dropNulls(JsonNode value, JsonNode schema, boolean root) {
        if (value instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (root && RESOURCE_ROOT.contains(field.getKey())) {
                    continue;
                }
                JsonNode child = schema == null ? null : Schemas.property(schema, field.getKey());
                if (child == null && schema != null) {
                    child = Schemas.additionalProperties(schema);
                }
                if (field.getValue().isNull() && child != null && !Schemas.nullable(child) && !child.has("default")) {
                    fields.remove();
                } else {
                    dropNulls(field.getValue(), child, false);
                }
            }
        } else if (value instanceof ArrayNode array) {
            JsonNode items = schema == null ? null : Schemas.items(schema);
            array.forEach(item -> dropNulls(item, items, false));
        }
    }
}
