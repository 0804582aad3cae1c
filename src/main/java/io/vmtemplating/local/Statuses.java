package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusCauseBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.vmtemplating.crd.FieldError;
import io.vmtemplating.crd.Verdict;
import java.util.List;

/** The API server's refusals as Status responses, with the codes, reasons and causes a real server sends. */
final class Statuses {

    private Statuses() {
    }

    static MockResponse of(Verdict verdict) {
        if (verdict instanceof Verdict.Invalid invalid) {
            List<StatusCause> causes = invalid.errors().stream().map(Statuses::cause).toList();
            return response(new StatusBuilder().withStatus("Failure").withCode(422).withReason("Invalid")
                    .withMessage(invalid.message())
                    .withNewDetails().withName(invalid.name()).withGroup(invalid.crd().group())
                    .withKind(invalid.crd().kind()).withCauses(causes).endDetails().build());
        }
        if (verdict instanceof Verdict.UnknownFields unknown) {
            return badRequest(unknown.message());
        }
        if (verdict instanceof Verdict.Malformed malformed) {
            return badRequest(malformed.field() + ": " + malformed.message());
        }
        if (verdict instanceof Verdict.NoMatch noMatch) {
            // the body names another version or kind than the URL: the server cannot decode it into this resource
            return badRequest(noMatch.message());
        }
        throw new IllegalArgumentException("an admitted object is no refusal");
    }

    static MockResponse badRequest(String message) {
        return response(new StatusBuilder().withStatus("Failure").withCode(400).withReason("BadRequest")
                .withMessage(message).build());
    }

    /** The server's answer to a JSON Patch that does not apply (an operation's path missing, a failed test). */
    static MockResponse unprocessable(String message) {
        return response(new StatusBuilder().withStatus("Failure").withCode(422).withReason("Invalid")
                .withMessage(message).build());
    }

    private static StatusCause cause(FieldError error) {
        return new StatusCauseBuilder().withReason(error.type().reason()).withMessage(error.body())
                .withField(error.field()).build();
    }

    private static MockResponse response(Status status) {
        return new MockResponse().setResponseCode(status.getCode()).setBody(Serialization.asJson(status));
    }
}
