package io.vmtemplating.crd;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One field error as the API server reports it (k8s.io/apimachinery field.Error): the field path, the error type,
 * the offending value where the server shows one, and a detail. {@link #render()} gives the server's text, e.g.
 * {@code spec.cpus: Invalid value: 65: spec.cpus in body should be less than or equal to 64}.
 *
 * @param badValue the value as shown (already formatted: a quoted string, a number, JSON), or null where the
 *                 server omits it
 */
public record FieldError(Type type, String field, String badValue, String detail) {

    /** The server's error types: the reason in a Status cause, the words in the message. */
    public enum Type {
        INVALID("FieldValueInvalid", "Invalid value", true),
        TYPE_INVALID("FieldValueTypeInvalid", "Invalid value", true),
        NOT_SUPPORTED("FieldValueNotSupported", "Unsupported value", true),
        TOO_MANY("FieldValueTooMany", "Too many", true),
        REQUIRED("FieldValueRequired", "Required value", false),
        TOO_LONG("FieldValueTooLong", "Too long", false),
        FORBIDDEN("FieldValueForbidden", "Forbidden", false),
        DUPLICATE("FieldValueDuplicate", "Duplicate value", true);

        private final String reason;
        private final String words;
        private final boolean showsValue;

        Type(String reason, String words, boolean showsValue) {
            this.reason = reason;
            this.words = words;
            this.showsValue = showsValue;
        }

        public String reason() {
            return reason;
        }
    }

    public static FieldError invalid(String field, JsonNode value, String detail) {
        return new FieldError(Type.INVALID, field, GoValues.show(value), detail);
    }

    public static FieldError required(String field, String detail) {
        return new FieldError(Type.REQUIRED, field, null, detail);
    }

    /**
     * The server's verdict on errors that keep the CEL rules from running (apiextensions-apiserver's hasBlockingErr):
     * a rule over a value of the wrong type, or missing a required field, would only report noise.
     */
    public boolean blocksCelRules() {
        return switch (type) {
            case NOT_SUPPORTED, REQUIRED, TOO_LONG, TOO_MANY, TYPE_INVALID -> true;
            default -> false;
        };
    }

    /** The message without the field, e.g. {@code Invalid value: 65: spec.cpus in body should be ...}. */
    public String body() {
        String text = type.showsValue && badValue != null ? type.words + ": " + badValue : type.words;
        return detail == null || detail.isEmpty() ? text : text + ": " + detail;
    }

    public String render() {
        return field + ": " + body();
    }

    @Override
    public String toString() {
        return render();
    }
}
