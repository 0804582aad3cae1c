package io.vmtemplating.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigInteger;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a plain (unquoted, untagged) YAML scalar means to kubectl, which reads YAML with go-yaml v2 (through
 * sigs.k8s.io/yaml): YAML 1.1 booleans (y, n, yes, on, off, ...), Go's integer syntax (0x1f, 0o17, 017, 0b101,
 * underscores), floats, null spellings, and everything else a string (dates included). Jackson's YAML reader differs
 * in places ({@code running: y} is a string there), so `vmt validate` resolves scalars here, after go-yaml's
 * resolve.go, to judge the object kubectl would send.
 */
final class GoYamlScalars {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Map<String, JsonNode> WORDS = words();
    private static final Pattern YAML_FLOAT = Pattern.compile("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private GoYamlScalars() {
    }

    private static Map<String, JsonNode> words() {
        Map<String, JsonNode> words = new java.util.HashMap<>();
        for (String t : new String[] {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}) {
            words.put(t, NODES.booleanNode(true));
        }
        for (String f : new String[] {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}) {
            words.put(f, NODES.booleanNode(false));
        }
        for (String n : new String[] {"", "~", "null", "Null", "NULL"}) {
            words.put(n, NODES.nullNode());
        }
        for (String nan : new String[] {".nan", ".NaN", ".NAN"}) {
            words.put(nan, NODES.numberNode(Double.NaN));
        }
        for (String inf : new String[] {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}) {
            words.put(inf, NODES.numberNode(Double.POSITIVE_INFINITY));
        }
        for (String inf : new String[] {"-.inf", "-.Inf", "-.INF"}) {
            words.put(inf, NODES.numberNode(Double.NEGATIVE_INFINITY));
        }
        return Map.copyOf(words);
    }

    /** go-yaml's resolve() for a plain scalar. */
    static JsonNode plain(String in) {
        JsonNode word = WORDS.get(in);
        if (word != null) {
            return word;
        }
        char first = in.charAt(0);
        if (first == '.') {
            return YAML_FLOAT.matcher(in).matches() ? goFloat(in) : NODES.textNode(in);
        }
        if (first == '+' || first == '-' || Character.isDigit(first) && first < 128) {
            String digits = in.replace("_", "");
            JsonNode integer = goInteger(digits);
            if (integer != null) {
                return integer;
            }
            if (YAML_FLOAT.matcher(digits).matches()) {
                return goFloat(digits);
            }
        }
        return NODES.textNode(in);
    }

    /** Go's strconv.ParseInt(s, 0, 64), then ParseUint: sign, 0x/0o/0b prefixes, a leading 0 for octal. */
    private static JsonNode goInteger(String text) {
        boolean negative = text.startsWith("-");
        boolean signed = negative || text.startsWith("+");
        String body = signed ? text.substring(1) : text;
        int radix = 10;
        String lower = body.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("0x") || lower.startsWith("0o") || lower.startsWith("0b")) {
            radix = lower.charAt(1) == 'x' ? 16 : lower.charAt(1) == 'o' ? 8 : 2;
            body = body.substring(2);
        } else if (body.length() > 1 && body.charAt(0) == '0') {
            radix = 8;
            body = body.substring(1);
        }
        int base = radix;
        if (body.isEmpty() || !body.chars().allMatch(c -> c < 128 && Character.digit(c, base) >= 0)) {
            return null;
        }
        BigInteger value = new BigInteger(body, radix);
        if (negative) {
            value = value.negate();
        }
        if (value.bitLength() < 64) {
            return NODES.numberNode(value.longValue());
        }
        // beyond int64: ParseUint takes it (unsigned only) up to 2^64-1
        return !signed && value.compareTo(UINT64_MAX) <= 0 ? NODES.numberNode(value) : null;
    }

    /**
     * A float as it reaches the server: encoding/json writes whole numbers without a fraction (64.0 as 64), which the
     * server then reads as an integer.
     */
    private static JsonNode goFloat(String text) {
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return NODES.textNode(text);
        }
        if (value == Math.rint(value) && Math.abs(value) < 0x1p53) {
            return NODES.numberNode((long) value);
        }
        return NODES.numberNode(value);
    }
}
