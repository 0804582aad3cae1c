package io.vmtemplating.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a real API server answers to a create, the way a client reaches it: the resource found through
 * discovery (as kubectl maps apiVersion and kind; an unserved one is "no matches for kind"), then a POST of the
 * exact JSON with {@code dryRun=All&fieldValidation=Strict}, kubectl's default validation. Files go through the
 * pinned kubectl itself, so its YAML reading is part of the answer.
 */
final class ApiServerAnswers {

    /** The server's answer: admitted or not, and what it said. */
    record Answer(boolean admitted, String message) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final Map<String, Optional<APIResourceList>> discovery = new HashMap<>();

    ApiServerAnswers(KubernetesClient client) {
        this.client = client;
    }

    Answer dryRunCreate(JsonNode object, String namespace) {
        return post(object, namespace, true);
    }

    Answer create(JsonNode object, String namespace) {
        return post(object, namespace, false);
    }

    /** `kubectl apply [--dry-run=server] -n NAMESPACE -f FILE`, the pipeline's own command. */
    Answer kubectlApply(Path file, String namespace, boolean dryRun) {
        RealCluster.Result result = dryRun
                ? RealCluster.kubectl("apply", "--dry-run=server", "-n", namespace, "-f", file.toString())
                : RealCluster.kubectl("apply", "-n", namespace, "-f", file.toString());
        return new Answer(result.exitCode() == 0, result.output().strip());
    }

    private Answer post(JsonNode object, String namespace, boolean dryRun) {
        String apiVersion = object.path("apiVersion").asText("");
        String kind = object.path("kind").asText("");
        if (apiVersion.isEmpty()) {
            return new Answer(false, "apiVersion not set (kubectl refuses the object before sending it)");
        }
        Optional<APIResource> resource = resource(apiVersion, kind);
        if (resource.isEmpty()) {
            return new Answer(false, "no matches for kind \"" + kind + "\" in version \"" + apiVersion + "\"");
        }
        String objectNamespace = object.path("metadata").path("namespace").asText("");
        String path = (apiVersion.contains("/") ? "/apis/" : "/api/") + apiVersion
                + (resource.get().getNamespaced() ? "/namespaces/" + (objectNamespace.isEmpty() ? namespace : objectNamespace) : "")
                + "/" + resource.get().getName() + "?fieldValidation=Strict" + (dryRun ? "&dryRun=All" : "");
        try {
            HttpRequest request = client.getHttpClient().newHttpRequestBuilder()
                    .uri(client.getMasterUrl().toString().replaceAll("/$", "") + path)
                    .post("application/json", JSON.writeValueAsBytes(object)).build();
            HttpResponse<String> response = client.getHttpClient().sendAsync(request, String.class).get(60, TimeUnit.SECONDS);
            if (response.code() == 200 || response.code() == 201) {
                return new Answer(true, "created" + (dryRun ? " (dry run)" : ""));
            }
            return new Answer(false, response.code() + " " + statusMessage(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("POST " + path + " failed: " + e.getMessage(), e);
        }
    }

    private Optional<APIResource> resource(String apiVersion, String kind) {
        Optional<APIResourceList> list = discovery.computeIfAbsent(apiVersion, v -> {
            try {
                return Optional.ofNullable(client.getApiResources(v));
            } catch (KubernetesClientException e) {
                return Optional.empty(); // 404: no such group/version
            }
        });
        return list.flatMap(l -> l.getResources().stream()
                .filter(r -> r.getKind().equals(kind) && !r.getName().contains("/")).findFirst());
    }

    private static String statusMessage(String body) {
        try {
            JsonNode status = JSON.readTree(body);
            return status.path("message").asText(body);
        } catch (IOException e) {
            return body;
        }
    }

    static Path write(Path dir, String text) {
        try {
            return Files.writeString(Files.createTempFile(dir, "doc", ".yaml"), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
