package io.vmtemplating.crd;

import com.fasterxml.jackson.databind.JsonNode;

/** Values printed the way the API server (Go's fmt) prints them in error messages, so messages read alike. */
final class GoValues {

    private GoValues() {
    }

    /** A value as field.Error shows it: numbers and booleans plain, strings Go-quoted, the rest as JSON. */
    static String show(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "null";
        }
        if (value.isTextual()) {
            return quote(value.asText());
        }
        if (value.isIntegralNumber() || value.isBoolean()) {
            return value.asText();
        }
        if (value.isNumber()) {
            return number(value.asDouble());
        }
        return value.toString();
    }

    /** Go's %v of a float64: integral values without a fraction (a schema's {@code maximum: 64.0} prints 64). */
    static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e21) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    /** Go's %q (strconv.Quote): double quotes, with backslash escapes for quotes and control characters. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        text.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.append('"').toString();
    }
}
