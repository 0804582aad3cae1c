package io.vmtemplating.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API server's handling of a create of one of our custom resources, up to the validating webhooks, in the
 * server's order: find the served version (apiVersion/kind); decode, pruning undeclared fields (an error under
 * strict field validation, kubectl's default); apply the schema defaults; check metadata and the OpenAPI schema;
 * then the CEL rules, unless an error that makes them meaningless came first (the server's "blocking" errors).
 * `vmt validate` and the local API server run this before the webhook's validators, as a real server does.
 */
public final class CustomResourceCreate {

    /** The fieldValidation a request asks for: Strict fails on unknown fields, Warn and Ignore drop them. */
    public enum FieldValidation { STRICT, WARN, IGNORE }

    private record Checks(StructuralValidation schema, CelRules rules) {
    }

    private final CrdCatalog catalog;
    private final Map<CrdVersion, Checks> checks = new HashMap<>();

    public CustomResourceCreate(CrdCatalog catalog) {
        this.catalog = catalog;
        for (CrdVersion version : catalog.versions()) {
            checks.put(version, new Checks(StructuralValidation.of(version.schema()), CelRules.of(version.schema())));
        }
    }

    public CrdCatalog catalog() {
        return catalog;
    }

    /**
     * @param namespaceDefined whether the request supplies the namespace (a client's context, a URL); without it a
     *                         missing metadata.namespace is an error
     */
    public Verdict check(JsonNode document, FieldValidation validation, boolean namespaceDefined) {
        String apiVersion = document.path("apiVersion").asText("");
        String kind = document.path("kind").asText("");
        if (!(document instanceof ObjectNode object)) {
            return new Verdict.Malformed("(object)", "must be a JSON object with apiVersion, kind and metadata");
        }
        if (apiVersion.isEmpty() || kind.isEmpty()) {
            String missing = apiVersion.isEmpty() ? "apiVersion" : "kind";
            return new Verdict.Malformed(missing, missing + " is not set; set apiVersion: "
                    + catalog.versions().get(0).apiVersion() + " and kind " + kindList());
        }
        Optional<CrdVersion> found = catalog.find(apiVersion, kind);
        if (found.isEmpty()) {
            return new Verdict.NoMatch(apiVersion, kind, catalog.apiVersionsOf(kind),
                    catalog.versions().stream().map(CrdVersion::kind).distinct().toList());
        }
        CrdVersion crd = found.get();
        Optional<Verdict.Malformed> malformed = MetadataShape.check(object.get("metadata"));
        if (malformed.isPresent()) {
            return malformed.get();
        }
        Pruning.Pruned pruned = Pruning.prune(object, crd.schema());
        if (!pruned.unknownFields().isEmpty() && validation == FieldValidation.STRICT) {
            return new Verdict.UnknownFields(crd, pruned.unknownFields());
        }
        ObjectNode defaulted = Defaulting.apply(pruned.object(), crd.schema());
        if (crd.statusSubresource()) {
            // PrepareForCreate: a create cannot set status, so the server drops it before validating (unknown fields
            // in it were already reported above, as the server reports them while decoding)
            defaulted.remove("status");
        }
        Checks crdChecks = checks.get(crd);
        List<FieldError> errors = new ArrayList<>(ObjectMetaRules.validate(defaulted.path("metadata"), namespaceDefined));
        errors.addAll(crdChecks.schema().validate(defaulted));
        Optional<FieldError> blocking = errors.stream().filter(FieldError::blocksCelRules).findFirst();
        if (blocking.isPresent()) {
            errors.add(new FieldError(FieldError.Type.INVALID, "<nil>", "null", "some validation rules were not"
                    + " checked because the object was invalid; correct the existing errors to complete validation"));
        } else {
            errors.addAll(crdChecks.rules().validate(defaulted));
        }
        if (!errors.isEmpty()) {
            return new Verdict.Invalid(crd, defaulted.path("metadata").path("name").asText(""), List.copyOf(errors));
        }
        List<String> warnings = validation == FieldValidation.WARN
                ? pruned.unknownFields().stream().map(p -> "unknown field \"" + p + "\"").toList() : List.of();
        return new Verdict.Admitted(crd, defaulted, warnings);
    }

    private String kindList() {
        return String.join(" or ", catalog.versions().stream().map(CrdVersion::kind).distinct().toList());
    }
}
