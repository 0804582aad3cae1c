package io.vmtemplating.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vmtemplating.crd.CrdCatalog;
import io.vmtemplating.crd.CustomResourceCreate;
import io.vmtemplating.crd.FieldError;
import io.vmtemplating.crd.Verdict;
import java.util.List;

/**
 * The checked-in CRDs' own checks on an object, as the API server makes them on a create with strict field
 * validation (unknown fields are errors, as kubectl sends them): the main code's {@link CustomResourceCreate}, so
 * tests and `vmt validate` share one reading of the CRDs.
 */
final class CrdSchemas {
    static final YAMLMapper YAML = new YAMLMapper();

    private final CustomResourceCreate server = new CustomResourceCreate(CrdCatalog.fromClassPath());

    /** The server's errors for one object, each as it prints them; empty when the CRD admits it. */
    List<String> errors(JsonNode object) {
        Verdict verdict = server.check(object, CustomResourceCreate.FieldValidation.STRICT, true);
        if (verdict instanceof Verdict.Invalid invalid) {
            return invalid.errors().stream().map(FieldError::render).toList();
        }
        if (verdict instanceof Verdict.UnknownFields unknown) {
            return unknown.paths().stream().map(p -> "unknown field \"" + p + "\"").toList();
        }
        if (verdict instanceof Verdict.NoMatch noMatch) {
            return List.of(noMatch.message());
        }
        if (verdict instanceof Verdict.Malformed malformed) {
            return List.of(malformed.field() + ": " + malformed.message());
        }
        return List.of();
    }
}
