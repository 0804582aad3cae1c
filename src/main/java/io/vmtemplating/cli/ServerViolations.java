package io.vmtemplating.cli;

import io.vmtemplating.api.v1alpha1.RemovedFields;
import io.vmtemplating.crd.FieldError;
import io.vmtemplating.crd.Verdict;
import io.vmtemplating.webhook.Violation;
import java.util.List;

/** The API server's refusal of an object, as the violations `vmt validate` prints (field path, then what to do). */
final class ServerViolations {

    private ServerViolations() {
    }

    /** Empty for an admitted object: then the webhook's rules decide. */
    static List<Violation> of(Verdict verdict) {
        if (verdict instanceof Verdict.NoMatch noMatch) {
            String fix = noMatch.servedApiVersions().isEmpty()
                    ? "kind must be one of " + String.join(", ", noMatch.servedKinds()) + "; check its spelling"
                    : "use apiVersion " + String.join(" or ", noMatch.servedApiVersions());
            return List.of(new Violation("apiVersion", noMatch.message() + "; " + fix));
        }
        if (verdict instanceof Verdict.Malformed malformed) {
            return List.of(new Violation(malformed.field(), malformed.message()));
        }
        if (verdict instanceof Verdict.UnknownFields unknown) {
            return unknown.paths().stream().map(path -> new Violation(path, "unknown field \"" + lastName(path) + "\"; "
                    + RemovedFields.fix(unknown.crd().kind(), path)
                            .orElse("check the spelling (kubectl explain shows the fields)"))).toList();
        }
        if (verdict instanceof Verdict.Invalid invalid) {
            return invalid.errors().stream().map(ServerViolations::violation).toList();
        }
        return List.of();
    }

    private static Violation violation(FieldError error) {
        if (error.field().equals("<nil>")) {
            // the server's note that the CEL rules were skipped has no field; say so plainly
            return new Violation("(object)", error.detail());
        }
        return new Violation(error.field(), error.body());
    }

    private static String lastName(String path) {
        String name = path.substring(path.lastIndexOf('.') + 1);
        return name.contains("[") ? name.substring(0, name.indexOf('[')) : name;
    }
}
