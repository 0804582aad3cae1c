package io.vmtemplating.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import io.fabric8.zjsonpatch.JsonPatchException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real API server's rule for a JSON Patch, of any object or its status: it applies to the object as stored, or it
 * is refused (422; 400 when it is no list of operations) and nothing changes. fabric8's storage alone first creates
 * every missing parent of an operation's path as an object: a status patch written against an older read turned a
 * stored {@code status.conditions} list into an object that no client could read.
 */
final class JsonPatchCheck {
    /** An object or its status: /api/v1 or /apis/GROUP/VERSION, a namespace or none, then PLURAL/NAME. */
    private static final Pattern OBJECT = Pattern.compile(
            "^(/api/v1|/apis/[^/]+/[^/]+)(/namespaces/[^/]+)?/([^/]+)/([^/?]+)(?:/status)?(?:\\?.*)?$");
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonPatchCheck() {
    }

    /**
     * @param stored the storage's answer to a GET of a path
     * @return the refusal, or empty when the request is no JSON Patch of an object, the object does not exist (the
     *     storage answers 404), or the patch applies
     */
    static Optional<MockResponse> refusal(RecordedRequest request, Function<String, MockResponse> stored) {
        String contentType = request.getHeader("Content-Type");
        Matcher path = OBJECT.matcher(request.getPath());
        if (!"PATCH".equals(request.getMethod()) || contentType == null || !contentType.contains("json-patch") || !path.matches()) {
            return Optional.empty();
        }
        MockResponse current = stored.apply(path.group(1) + Optional.ofNullable(path.group(2)).orElse("") + "/"
                + path.group(3) + "/" + path.group(4));
        if (current.getStatus() == null || !current.getStatus().contains(" 200")) {
            return Optional.empty();
        }
        try {
            // getBytes() leaves the body in place for the storage behind us (reading it would consume it)
            JsonNode patch = JSON.readTree(request.getBody().getBytes());
            if (!patch.isArray()) {
                return Optional.of(notAJsonPatch());
            }
            JsonPatch.apply(patch, JSON.readTree(current.getBody().getBytes()));
            return Optional.empty();
        } catch (JsonPatchException e) {
            String where = e.getOperation() == null || e.getPath() == null ? ""
                    : " at " + e.getPath() + " (" + e.getOperation().name().toLowerCase(Locale.ROOT) + ")";
            return Optional.of(Statuses.unprocessable("the JSON patch does not apply to " + path.group(3) + "/" + path.group(4)
                    + " as stored: " + e.getMessage() + where + "; read the object again and patch what is stored"));
        } catch (Exception e) {
            return Optional.of(notAJsonPatch()); // not JSON at all
        }
    }

    private static MockResponse notAJsonPatch() {
        return Statuses.badRequest("the request body is not a JSON Patch: send a JSON list of operations");
    }
}
