package io.vmtemplating.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A CRD's OpenAPI schema checked the API server's way (types, required, enum, pattern, bounds, lengths, item and
 * property counts), by networknt's JSON Schema validator, with each error reported in the server's words
 * (apiextensions-apiserver's kubeOpenAPIResultToFieldErrors over kube-openapi's messages).
 */
public final class StructuralValidation {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Schema schema;

    private StructuralValidation(Schema schema) {
        this.schema = schema;
    }

    public static StructuralValidation of(JsonNode openApiV3Schema) {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7,
                builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder()
                        .regularExpressionFactory(GoRegularExpressions.INSTANCE)
                        .formatAssertionsEnabled(true)
                        .build()));
        try {
            String text = JSON.writeValueAsString(JsonSchemaDialect.toJsonSchema(openApiV3Schema));
            return new StructuralValidation(registry.getSchema(text, InputFormat.JSON));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every schema error of the (pruned, defaulted) object; empty when it conforms. */
    public List<FieldError> validate(ObjectNode object) {
        List<Error> errors;
        try {
            errors = schema.validate(JSON.writeValueAsString(object), InputFormat.JSON);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<FieldError> fieldErrors = new ArrayList<>();
        for (Error error : errors) {
            fieldErrors.add(toFieldError(error, object));
        }
        return fieldErrors;
    }

    private static FieldError toFieldError(Error error, ObjectNode object) {
        String path = path(error.getInstanceLocation());
        JsonNode value = valueAt(object, error.getInstanceLocation());
        JsonNode bound = keywordValue(error);
        String in = path + " in body";
        return switch (error.getKeyword()) {
            case "type" -> new FieldError(FieldError.Type.TYPE_INVALID, path, GoValues.quote(typeName(value)),
                    in + " must be of type " + typeList(bound) + ": " + GoValues.quote(typeName(value)));
            case "required" -> FieldError.required(child(path, error.getProperty()), "");
            case "enum" -> new FieldError(FieldError.Type.NOT_SUPPORTED, path, GoValues.show(value),
                    "supported values: " + String.join(", ", quotedEach(bound)));
            case "pattern" -> FieldError.invalid(path, value, in + " should match '" + bound.asText() + "'");
            case "maximum" -> FieldError.invalid(path, value, in + " should be less than or equal to " + GoValues.number(bound.asDouble()));
            case "exclusiveMaximum" -> FieldError.invalid(path, value, in + " should be less than " + GoValues.number(bound.asDouble()));
            case "minimum" -> FieldError.invalid(path, value, in + " should be greater than or equal to " + GoValues.number(bound.asDouble()));
            case "exclusiveMinimum" -> FieldError.invalid(path, value, in + " should be greater than " + GoValues.number(bound.asDouble()));
            case "maxLength" -> new FieldError(FieldError.Type.TOO_LONG, path, null,
                    "may not be more than " + bound.asInt() + (bound.asInt() == 1 ? " byte" : " bytes"));
            case "minLength" -> FieldError.invalid(path, value, in + " should be at least " + bound.asInt() + " chars long");
            case "maxItems", "maxProperties" -> new FieldError(FieldError.Type.TOO_MANY, path, Integer.toString(value.size()),
                    "must have at most " + bound.asInt() + (bound.asInt() == 1 ? " item" : " items"));
            case "minItems" -> new FieldError(FieldError.Type.INVALID, path, Integer.toString(value.size()),
                    in + " should have at least " + bound.asInt() + " items");
            case "minProperties" -> new FieldError(FieldError.Type.INVALID, path, Integer.toString(value.size()),
                    in + " should have at least " + bound.asInt() + " properties");
            case "multipleOf" -> FieldError.invalid(path, value, in + " should be a multiple of " + GoValues.number(bound.asDouble()));
            case "format" -> new FieldError(FieldError.Type.TYPE_INVALID, path, GoValues.show(value),
                    in + " must be of type " + bound.asText() + ": " + GoValues.show(value));
            default -> FieldError.invalid(path, value, error.getMessage());
        };
    }

    private static List<String> quotedEach(JsonNode values) {
        List<String> quoted = new ArrayList<>();
        values.forEach(v -> quoted.add(GoValues.quote(v.isTextual() ? v.asText() : v.toString())));
        return quoted;
    }

    /** The schema's value for the failed keyword (64 for maximum, the list for enum), read back as Jackson 2. */
    private static JsonNode keywordValue(Error error) {
        try {
            return error.getSchemaNode() == null ? JSON.nullNode() : JSON.readTree(error.getSchemaNode().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kubernetes' field path: names joined by dots, list indexes in brackets ({@code spec.portForwards[0].podPort}). */
    static String path(NodePath location) {
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            if (element instanceof Integer index) {
                path.append('[').append(index).append(']');
            } else {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(element);
            }
        }
        return path.toString();
    }

    private static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static JsonNode valueAt(JsonNode object, NodePath location) {
        JsonNode node = object;
        for (int i = 0; i < location.getNameCount() && node != null; i++) {
            Object element = location.getElement(i);
            node = element instanceof Integer index ? node.get(index) : node.get(element.toString());
        }
        return node == null ? JSON.nullNode() : node;
    }

    /** kube-openapi's names for the JSON types a value has. */
    private static String typeName(JsonNode value) {
        if (value.isTextual()) {
            return "string";
        }
        if (value.isIntegralNumber()) {
            return "integer";
        }
        if (value.isNumber()) {
            return "number";
        }
        if (value.isBoolean()) {
            return "boolean";
        }
        if (value.isArray()) {
            return "array";
        }
        return value.isObject() ? "object" : "null";
    }

    private static String typeList(JsonNode type) {
        if (!type.isArray()) {
            return type.asText();
        }
        List<String> names = new ArrayList<>();
        type.forEach(t -> {
            if (!t.asText().equals("null")) {
                names.add(t.asText());
            }
        });
        return String.join(",", names);
    }
}
