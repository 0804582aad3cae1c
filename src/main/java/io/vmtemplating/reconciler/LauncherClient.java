package io.vmtemplating.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.vmtemplating.launcher.PodContract;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The operator's calls to a launcher's HTTP endpoint (pause, resume, manual freeze, status). Each call is
 * bounded by a short timeout: a launcher that does not answer is retried by the next reconcile.
 */
public class LauncherClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final LauncherTokens tokens;

    public LauncherClient(LauncherTokens tokens) {
        this.tokens = tokens;
    }

    /** Makes sure the namespace's token Secret exists before a launcher pod that mounts it is created. */
    public void prepareNamespace(String namespace) {
        tokens.forNamespace(namespace);
    }

    /** The launcher's /status document, or empty when the pod has no IP yet or does not answer. */
    public Optional<JsonNode> status(Pod pod) {
        return baseUri(pod).flatMap(base -> {
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(base.resolve(PodContract.PATH_STATUS)).timeout(TIMEOUT).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body())) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        });
    }

    /** POSTs to one of the launcher's action paths with the namespace's token; true when the launcher accepted it. */
    public boolean post(Pod pod, String path) {
        return postAsync(pod, path).join();
    }

    /**
     * {@link #post} without waiting: the request goes out now and the future says whether the launcher accepted it
     * (false when it could not be reached or did not answer within the timeout). A claim sends its member's resume
     * while the pool is read.
     */
    public java.util.concurrent.CompletableFuture<Boolean> postAsync(Pod pod, String path) {
        return baseUri(pod).map(base -> http.sendAsync(
                        HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                                .header("Authorization", "Bearer " + tokens.forNamespace(pod.getMetadata().getNamespace()))
                                .POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> failure == null && response.statusCode() / 100 == 2))
                .orElse(java.util.concurrent.CompletableFuture.completedFuture(false));
    }

    /** A launcher's answer: status code and body. */
    public record Answer(int statusCode, String body) {
    }

    /**
     * POSTs a JSON body with the namespace's token and waits up to {@code timeout} (a claim-data delivery waits for
     * the guest agent); the launcher's answer, or empty when it could not be reached.
     */
    public Optional<Answer> postJson(Pod pod, String path, String json, Duration timeout) {
        return baseUri(pod).flatMap(base -> {
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                                .header("Authorization", "Bearer " + tokens.forNamespace(pod.getMetadata().getNamespace()))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                        HttpResponse.BodyHandlers.ofString());
                return Optional.of(new Answer(response.statusCode(), response.body()));
            } catch (IOException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        });
    }

    private static Optional<URI> baseUri(Pod pod) {
        return LauncherEndpoint.of(pod);
    }
}
