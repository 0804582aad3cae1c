package io.vmtemplating.crd;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * metadata as the server decodes it into ObjectMeta: a field of the wrong JSON type, or a timestamp that is no
 * RFC 3339 time, fails the decoding (400 Bad Request) before any validation runs, so it is reported on its own.
 * A null is always fine (Go leaves the field empty).
 */
final class MetadataShape {

    private static final Set<String> STRINGS = Set.of("name", "generateName", "namespace", "selfLink", "uid", "resourceVersion");
    private static final Set<String> INTEGERS = Set.of("generation", "deletionGracePeriodSeconds");
    private static final Set<String> TIMES = Set.of("creationTimestamp", "deletionTimestamp");
    private static final Set<String> STRING_MAPS = Set.of("labels", "annotations");
    private static final Set<String> OWNER_STRINGS = Set.of("apiVersion", "kind", "name", "uid");
    private static final Set<String> OWNER_BOOLEANS = Set.of("controller", "blockOwnerDeletion");
    /** Go's time.RFC3339 layout as time.Parse reads it: seconds required, fraction optional, Z or an offset. */
    private static final Pattern RFC3339 = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$");

    private MetadataShape() {
    }

    static Optional<Verdict.Malformed> check(JsonNode metadata) {
        if (metadata == null || metadata.isNull()) {
            return Optional.empty();
        }
        if (!metadata.isObject()) {
            return malformed("metadata", "must be an object with name, namespace, labels, ...");
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = metadata.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            Optional<Verdict.Malformed> problem = field(field.getKey(), field.getValue());
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    private static Optional<Verdict.Malformed> field(String name, JsonNode value) {
        String path = "metadata." + name;
        if (value.isNull()) {
            return Optional.empty();
        }
        if (STRINGS.contains(name) && !value.isTextual()) {
            return malformed(path, "must be a string; quote the value");
        }
        if (INTEGERS.contains(name) && !value.isIntegralNumber()) {
            return malformed(path, "must be a whole number; remove it (the server sets it)");
        }
        if (TIMES.contains(name) && !(value.isTextual() && isTime(value.asText()))) {
            return malformed(path, "must be an RFC 3339 time such as 2026-01-31T12:00:00Z; remove it (the server sets it)");
        }
        if (STRING_MAPS.contains(name)) {
            if (!value.isObject()) {
                return malformed(path, "must be a map of strings (key: value)");
            }
            for (Iterator<Map.Entry<String, JsonNode>> entries = value.fields(); entries.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = entries.next();
                if (!entry.getValue().isTextual() && !entry.getValue().isNull()) {
                    return malformed(path + "." + entry.getKey(), "must be a string; quote the value");
                }
            }
        }
        if (name.equals("finalizers") && !(value.isArray() && all(value, v -> v.isTextual() || v.isNull()))) {
            return malformed(path, "must be a list of strings");
        }
        if (name.equals("ownerReferences") && !(value.isArray() && all(value, MetadataShape::isOwnerReference))) {
            return malformed(path, "must be a list of owner references (apiVersion, kind, name, uid, controller)");
        }
        if (name.equals("managedFields") && !(value.isArray() && all(value, v -> v.isObject() || v.isNull()))) {
            return malformed(path, "must be a list of objects; remove it (the server maintains it)");
        }
        return Optional.empty();
    }

    private static boolean isOwnerReference(JsonNode reference) {
        if (reference.isNull()) {
            return true;
        }
        return reference.isObject() && OWNER_STRINGS.stream()
                .allMatch(f -> !reference.hasNonNull(f) || reference.get(f).isTextual())
                && OWNER_BOOLEANS.stream().allMatch(f -> !reference.hasNonNull(f) || reference.get(f).isBoolean());
    }

    private static boolean isTime(String text) {
        if (!RFC3339.matcher(text).matches()) {
            return false;
        }
        try {
            OffsetDateTime.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean all(JsonNode container, java.util.function.Predicate<JsonNode> test) {
        for (JsonNode item : container) {
            if (!test.test(item)) {
                return false;
            }
        }
        return true;
    }

    private static Optional<Verdict.Malformed> malformed(String field, String message) {
        return Optional.of(new Verdict.Malformed(field, message));
    }
}
