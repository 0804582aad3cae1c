package io.vmtemplating.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The API server's rules for a custom resource's metadata on create (apimachinery's ValidateObjectMetaAccessor
 * with NameIsDNSSubdomain): the name an RFC 1123 subdomain of at most 253 characters, the namespace an RFC 1123
 * label, labels and annotations with qualified keys. A CRD's schema cannot change these. Messages are the
 * server's, which say what a valid value looks like.
 */
public final class ObjectMetaRules {

    private static final String LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final String SUBDOMAIN = LABEL + "(\\." + LABEL + ")*";
    private static final String QUALIFIED = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static final Pattern LABEL_RE = Pattern.compile("^" + LABEL + "$");
    private static final Pattern SUBDOMAIN_RE = Pattern.compile("^" + SUBDOMAIN + "$");
    private static final Pattern QUALIFIED_RE = Pattern.compile("^" + QUALIFIED + "$");
    private static final Pattern LABEL_VALUE_RE = Pattern.compile("^(" + QUALIFIED + ")?$");
    private static final int TOTAL_ANNOTATION_BYTES = 256 * 1024;

    private ObjectMetaRules() {
    }

    /**
     * @param metadata         the object's metadata (an object, or missing)
     * @param namespaceDefined whether a request namespace stands in for a missing metadata.namespace (kubectl takes
     *                         it from the context; `vmt validate` cannot know it and accepts the omission)
     */
    public static List<FieldError> validate(JsonNode metadata, boolean namespaceDefined) {
        List<FieldError> errors = new ArrayList<>();
        String name = text(metadata.path("name"));
        String generateName = text(metadata.path("generateName"));
        if (!generateName.isEmpty()) {
            // the server generates name = generateName + 5 characters, so a trailing '-' is fine in the prefix
            String masked = generateName.endsWith("-") ? generateName.substring(0, generateName.length() - 1) + "a" : generateName;
            subdomain(masked).forEach(m -> errors.add(FieldError.invalid("metadata.generateName", TextNode.valueOf(generateName), m)));
        }
        if (name.isEmpty() && generateName.isEmpty()) {
            errors.add(FieldError.required("metadata.name", "name or generateName is required"));
        } else if (!name.isEmpty()) {
            subdomain(name).forEach(m -> errors.add(FieldError.invalid("metadata.name", TextNode.valueOf(name), m)));
        }
        String namespace = text(metadata.path("namespace"));
        if (namespace.isEmpty() && !namespaceDefined) {
            errors.add(FieldError.required("metadata.namespace", ""));
        } else if (!namespace.isEmpty()) {
            label(namespace).forEach(m -> errors.add(FieldError.invalid("metadata.namespace", TextNode.valueOf(namespace), m)));
        }
        labels(metadata.path("labels"), errors);
        annotations(metadata.path("annotations"), errors);
        ownerReferences(metadata.path("ownerReferences"), errors);
        for (JsonNode finalizer : metadata.path("finalizers")) {
            qualifiedName(text(finalizer)).forEach(m -> errors.add(FieldError.invalid("metadata.finalizers", finalizer, m)));
        }
        return errors;
    }

    /** A string field's value; null and missing are "" as in Go (Jackson's asText() would say "null"). */
    private static String text(JsonNode value) {
        return value.isTextual() ? value.asText() : "";
    }

    /** ValidateOwnerReferences: each reference complete, at most one controller. */
    private static void ownerReferences(JsonNode references, List<FieldError> errors) {
        String field = "metadata.ownerReferences";
        String firstController = "";
        for (JsonNode reference : references) {
            String apiVersion = text(reference.path("apiVersion"));
            String kind = text(reference.path("kind"));
            String version = apiVersion.chars().filter(c -> c == '/').count() > 1 ? ""
                    : apiVersion.substring(apiVersion.indexOf('/') + 1);
            if (version.isEmpty()) {
                errors.add(FieldError.invalid(field + ".apiVersion", TextNode.valueOf(apiVersion), "version must not be empty"));
            }
            for (String part : List.of("kind", "name", "uid")) {
                if (text(reference.path(part)).isEmpty()) {
                    errors.add(FieldError.invalid(field + "." + part, TextNode.valueOf(""), "must not be empty"));
                }
            }
            if (apiVersion.equals("v1") && kind.equals("Event")) {
                errors.add(FieldError.invalid(field, reference, "/v1, Kind=Event is disallowed from being an owner"));
            }
            if (reference.path("controller").asBoolean(false)) {
                String controller = kind + "/" + text(reference.path("name"));
                if (!firstController.isEmpty()) {
                    errors.add(FieldError.invalid(field, references, "Only one reference can have Controller set to true."
                            + " Found \"true\" in references for " + firstController + " and " + controller));
                } else {
                    firstController = controller;
                }
            }
        }
    }

    private static void labels(JsonNode labels, List<FieldError> errors) {
        for (Iterator<Map.Entry<String, JsonNode>> entries = labels.fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> label = entries.next();
            qualifiedName(label.getKey()).forEach(m -> errors.add(FieldError.invalid("metadata.labels", TextNode.valueOf(label.getKey()), m)));
            String value = text(label.getValue());
            if (value.length() > 63) {
                errors.add(FieldError.invalid("metadata.labels", label.getValue(), "must be no more than 63 characters"));
            }
            if (!LABEL_VALUE_RE.matcher(value).matches()) {
                errors.add(FieldError.invalid("metadata.labels", label.getValue(), "a valid label must be an empty string or"
                        + " consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric"
                        + " character (e.g. 'MyValue', or 'my_value', or '12345', regex used for validation is '(" + QUALIFIED + ")?')"));
            }
        }
    }

    private static void annotations(JsonNode annotations, List<FieldError> errors) {
        long bytes = 0;
        for (Iterator<Map.Entry<String, JsonNode>> entries = annotations.fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> annotation = entries.next();
            // annotation keys are qualified names in any case
            qualifiedName(annotation.getKey().toLowerCase(Locale.ROOT))
                    .forEach(m -> errors.add(FieldError.invalid("metadata.annotations", TextNode.valueOf(annotation.getKey()), m)));
            bytes += utf8Length(annotation.getKey()) + utf8Length(text(annotation.getValue()));
        }
        if (bytes > TOTAL_ANNOTATION_BYTES) {
            errors.add(new FieldError(FieldError.Type.TOO_LONG, "metadata.annotations", null,
                    "may not be more than " + TOTAL_ANNOTATION_BYTES + " bytes"));
        }
    }

    /** IsDNS1123Subdomain; Go measures length in bytes. */
    static List<String> subdomain(String value) {
        List<String> messages = new ArrayList<>();
        if (utf8Length(value) > 253) {
            messages.add("must be no more than 253 characters");
        }
        if (!SUBDOMAIN_RE.matcher(value).matches()) {
            messages.add("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.',"
                    + " and must start and end with an alphanumeric character (e.g. 'example.com', regex used for"
                    + " validation is '" + SUBDOMAIN + "')");
        }
        return messages;
    }

    /** IsDNS1123Label (ValidateNamespaceName). */
    static List<String> label(String value) {
        List<String> messages = new ArrayList<>();
        if (utf8Length(value) > 63) {
            messages.add("must be no more than 63 characters");
        }
        if (!LABEL_RE.matcher(value).matches()) {
            messages.add(SUBDOMAIN_RE.matcher(value).matches() ? "must not contain dots"
                    : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must"
                    + " start and end with an alphanumeric character (e.g. 'my-name', or '123-abc', regex used for"
                    + " validation is '" + LABEL + "')");
        }
        return messages;
    }

    /** IsQualifiedName: an optional DNS subdomain prefix and '/', then a name of at most 63 characters. */
    static List<String> qualifiedName(String value) {
        List<String> messages = new ArrayList<>();
        String[] parts = value.split("/", -1);
        String name;
        if (parts.length == 1) {
            name = parts[0];
        } else if (parts.length == 2) {
            name = parts[1];
            if (parts[0].isEmpty()) {
                messages.add("prefix part must be non-empty");
            } else {
                subdomain(parts[0]).forEach(m -> messages.add("prefix part " + m));
            }
        } else {
            messages.add("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and"
                    + " end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for"
                    + " validation is '" + QUALIFIED + "') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
            return messages;
        }
        if (name.isEmpty()) {
            messages.add("name part must be non-empty");
        } else if (utf8Length(name) > 63) {
            messages.add("name part must be no more than 63 characters");
        }
        if (!QUALIFIED_RE.matcher(name).matches()) {
            messages.add("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end"
                    + " with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for"
                    + " validation is '" + QUALIFIED + "')");
        }
        return messages;
    }

    private static int utf8Length(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
}
