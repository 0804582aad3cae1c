package io.vmtemplating.gitops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * What Flux's kustomize-controller (and kubectl wait, kpt) read from an object's status: sigs.k8s.io/cli-utils'
 * kstatus, as hack/kstatus builds it (`make kstatus`, cached).
 */
public final class Kstatus {
    /** kstatus' verdict: Current, InProgress, Failed, Terminating, NotFound, Unknown. */
    public record Result(String status, String message) {
    }

    private static String binary;

    private Kstatus() {
    }

    public static Result of(HasMetadata object) {
        return of(Serialization.asJson(object));
    }

    public static Result of(String json) {
        try {
            Process process = new ProcessBuilder(binary()).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write((json.replace("\n", " ") + "\n").getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("kstatus failed: " + err);
            }
            JsonNode result = new ObjectMapper().readTree(out);
            return new Result(result.path("status").asText(), result.path("message").asText());
        } catch (IOException e) {
            throw new IllegalStateException("kstatus cannot run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** hack/kstatus/build.sh prints the cached binary (building it once when its sources changed). */
    private static synchronized String binary() throws IOException, InterruptedException {
        if (binary == null) {
            Process build = new ProcessBuilder("bash", "hack/kstatus/build.sh").redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String path = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (build.waitFor() != 0 || path.isEmpty()) {
                throw new IllegalStateException("hack/kstatus/build.sh failed (Go >= 1.24 needed)");
            }
            binary = path;
        }
        return binary;
    }
}
