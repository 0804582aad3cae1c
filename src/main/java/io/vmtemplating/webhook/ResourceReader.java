package io.vmtemplating.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import java.util.stream.Collectors;

/**
 * Turns a JSON/YAML tree into one of our resources, strictly: an unknown field is a typo the user should hear
 * about (the API server prunes them silently), and a value of the wrong type becomes a violation on its field
 * instead of an exception.
 */
public final class ResourceReader {

    /** Plain Jackson with records; unknown fields fail, as `kubectl apply --validate=strict` would. */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    /** The resource, or the violation that kept it from being read. Exactly one is non-null. */
    public record Result<T>(T resource, Violation error) {
    }

    private ResourceReader() {
    }

    public static <T> Result<T> read(JsonNode node, Class<T> type) {
        try {
            return new Result<>(MAPPER.treeToValue(node, type), null);
        } catch (JsonMappingException e) {
            return new Result<>(null, new Violation(path(e), problem(e)));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return new Result<>(null, new Violation("(object)", "cannot be read as " + type.getSimpleName()
                    + "; fix the document"));
        }
    }

    private static String path(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getIndex() >= 0 ? "[" + ref.getIndex() + "]" : "." + ref.getFieldName())
                .collect(Collectors.joining());
        return path.isEmpty() ? "(object)" : path.startsWith(".") ? path.substring(1) : path;
    }

    private static String problem(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "unknown field \"" + unknown.getPropertyName() + "\"; check the spelling"
                    + " (kubectl explain shows the fields)";
        }
        if (e instanceof InvalidFormatException invalid) {
            return "\"" + invalid.getValue() + "\" is not a valid " + invalid.getTargetType().getSimpleName()
                    + " value; see kubectl explain for the allowed values";
        }
        return "has the wrong type; see kubectl explain for this field";
    }
}
