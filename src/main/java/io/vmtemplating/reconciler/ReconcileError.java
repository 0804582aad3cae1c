package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.types.Condition;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An exception out of a reconcile, as the object's users see it: a condition {@code Reconciled=False} with a reason
 * (the API server's refusal by its HTTP meaning, else ReconcileError) and a one-line message, and a Warning event
 * when that condition changes. JOSDK's retry goes on as configured; the next reconcile that succeeds drops the
 * condition (the status builders set only the conditions they decide on).
 */
record ReconcileError(String reason, String message) {
    private static final int MAX_MESSAGE = 1024;

    static ReconcileError of(Exception e) {
        Throwable cause = e;
        while (!(cause instanceof KubernetesClientException) && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause instanceof KubernetesClientException api && api.getCode() > 0) {
            String reason = switch (api.getCode()) {
                case 403 -> "Forbidden";
                case 404 -> "NotFound";
                case 409 -> "Conflict";
                case 422 -> "Invalid";
                case 429 -> "TooManyRequests";
                default -> "ApiServerError";
            };
            String detail = api.getStatus() != null && api.getStatus().getMessage() != null ? api.getStatus().getMessage() : api.getMessage();
            return new ReconcileError(reason, oneLine("the API server refused a request (HTTP " + api.getCode() + "): " + detail));
        }
        Throwable innermost = e;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        String detail = innermost.getMessage() != null ? innermost.getMessage() : innermost.getClass().getSimpleName();
        return new ReconcileError("ReconcileError", oneLine(detail));
    }

    private static String oneLine(String text) {
        String line = text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(text).strip();
        return line.length() <= MAX_MESSAGE ? line : line.substring(0, MAX_MESSAGE) + "...";
    }

    /** The conditions with this error's one replacing any earlier error (kept with its time if it says the same). */
    List<Condition> onto(List<Condition> conditions, Long generation, Clock clock) {
        List<Condition> next = new ArrayList<>();
        Condition earlier = null;
        for (Condition c : conditions == null ? List.<Condition>of() : conditions) {
            if (Conditions.RECONCILED.equals(c.type())) {
                earlier = c;
            } else {
                next.add(c);
            }
        }
        boolean same = earlier != null && Conditions.FALSE.equals(earlier.status()) && reason.equals(earlier.reason())
                && message.equals(earlier.message()) && Objects.equals(generation, earlier.observedGeneration());
        next.add(same ? earlier : new Condition(Conditions.RECONCILED, Conditions.FALSE, reason, message,
                Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString(), generation));
        return next;
    }
}
