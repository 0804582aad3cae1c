package io.vmtemplating.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link SecretAccess} by asking the API server (a SubjectAccessReview for verb get on the Secret, as the requesting
 * user with their groups and extra): what kubectl auth can-i would answer for them. Fails closed: no answer, no claim
 * data. One call per VmClone create that names a Secret; other requests never reach it.
 */
public final class SubjectAccessReviews implements SecretAccess {
    private final KubernetesClient client;

    public SubjectAccessReviews(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<String> denied(JsonNode userInfo, String namespace, String secret) {
        String user = userInfo == null ? "" : userInfo.path("username").asText("");
        List<String> groups = new ArrayList<>();
        Map<String, List<String>> extra = new LinkedHashMap<>();
        if (userInfo != null) {
            userInfo.path("groups").forEach(g -> groups.add(g.asText()));
            userInfo.path("extra").fields().forEachRemaining(e -> {
                List<String> values = new ArrayList<>();
                e.getValue().forEach(v -> values.add(v.asText()));
                extra.put(e.getKey(), values);
            });
        }
        SubjectAccessReview review = new SubjectAccessReviewBuilder().withNewSpec()
                .withUser(user).withGroups(groups).withExtra(extra)
                .withUid(userInfo == null ? null : userInfo.path("uid").asText(null))
                .withNewResourceAttributes().withNamespace(namespace).withVerb("get").withResource("secrets").withName(secret)
                .endResourceAttributes().endSpec().build();
        try {
            SubjectAccessReview answer = client.authorization().v1().subjectAccessReview().create(review);
            if (answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed())) {
                return Optional.empty();
            }
            return Optional.of(user + " may not get Secret " + secret + " in namespace " + namespace);
        } catch (KubernetesClientException e) {
            return Optional.of("whether " + user + " may get Secret " + secret + " could not be checked (" + e.getCode() + ")");
        }
    }
}
