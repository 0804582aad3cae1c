package io.vmtemplating.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.vmtemplating.contract.GeneratedSpecs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The embedded API server (`vmt run`, `vmt demo`) answers every generated spec as a real API server does: the
 * verdicts the generator promises are the real server's (ValidateDifferentialIT checks them against one), so
 * here they are checked against the local server without a cluster.
 */
class LocalApiServerVerdictsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyGeneratedSpecGetsTheRealServersVerdict() throws Exception {
        try (LocalCluster api = LocalCluster.apiServerOnly(new WebhookRules())) {
            KubernetesClient client = api.client();
            List<String> wrong = new ArrayList<>();
            Set<String> templates = new HashSet<>();
            for (GeneratedSpecs.Spec spec : GeneratedSpecs.all()) {
                for (JsonNode template : spec.templates()) {
                    HttpResponse<String> created;
                    if (templates.add(template.path("metadata").path("name").asText()) && (created = post(client, template)).code() != 201) {
                        wrong.add(spec.id() + ": its template could not be created: " + created.code() + " " + created.body());
                    }
                }
                HttpResponse<String> answer = post(client, spec.object());
                boolean admitted = answer.code() == 201 || answer.code() == 200;
                if (admitted != (spec.expect() == GeneratedSpecs.Expect.ADMITTED)) {
                    wrong.add(spec.id() + " (" + spec.check() + ": " + spec.what() + ") expected " + spec.expect() + ", got "
                            + answer.code() + " " + answer.body());
                }
            }
            assertTrue(wrong.isEmpty(), wrong.size() + " specs got another answer:\n" + String.join("\n", wrong));
        }
    }

    /** A create at the resource the kind names (the body may name another version or kind: the server refuses that). */
    private static HttpResponse<String> post(KubernetesClient client, JsonNode object) throws Exception {
        String kind = object.path("kind").asText().toLowerCase();
        String plural = kind.equals("vmclonepool") ? "vmclonepools" : kind.startsWith("vmclone") ? "vmclones" : "vmtemplates";
        String url = client.getMasterUrl().toString().replaceAll("/$", "")
                + "/apis/vmtemplating.io/v1alpha1/namespaces/default/" + plural + "?fieldValidation=Strict";
        HttpRequest request = client.getHttpClient().newHttpRequestBuilder().uri(url)
                .post("application/json", JSON.writeValueAsBytes(object)).build();
        return client.getHttpClient().sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
    }
}
