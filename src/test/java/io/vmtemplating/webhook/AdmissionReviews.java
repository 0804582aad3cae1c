package io.vmtemplating.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builds AdmissionReview v1 requests as the API server sends them, for tests and the benchmark. */
public final class AdmissionReviews {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AdmissionReviews() {
    }

    public static String review(String operation, ObjectNode object, ObjectNode oldObject) {
        ObjectNode review = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request").put("uid", "uid-1").put("operation", operation)
                .put("namespace", "default").put("name", object.path("metadata").path("name").asText());
        request.putObject("kind").put("group", "vmtemplating.io").put("version", "v1alpha1")
                .put("kind", object.path("kind").asText());
        request.set("object", object);
        if (oldObject != null) {
            request.set("oldObject", oldObject);
        }
        return review.toString();
    }
}
