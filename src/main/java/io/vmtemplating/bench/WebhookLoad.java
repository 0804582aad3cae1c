package io.vmtemplating.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Admission latency over HTTP: N clients, each sending its next AdmissionReview as soon as the last answer
 * came, for a number of seconds after a warm-up. Requests cycle through a valid VmTemplate, a VmTemplate with
 * three violations and a VmClone whose template the webhook looks up in its API server. 127.0.0.1 only.
 */
final class WebhookLoad {
    static final String TEMPLATE_NAME = "busybox";

    /** The template the clone payload names; the webhook's API server must hold it. */
    static final String TEMPLATE = """
            apiVersion: vmtemplating.io/v1alpha1
            kind: VmTemplate
            metadata:
              name: busybox
              namespace: default
            spec:
              cpus: 2
              memory:
                size: 512Mi
              boot:
                kernel:
                  hostPath:
                    path: /var/lib/vmtemplating/guest/vmlinuz
                initrd:
                  hostPath:
                    path: /var/lib/vmtemplating/guest/initrd.gz
                cmdline: console=ttyS0 quiet
              devices:
                network:
                  mode: user
                virtioMem:
                  size: 1Gi
                  requestedSize: "0"
                  blockSize: 2Mi
              freeze:
                trigger: SerialConsole
                serialConsolePattern: GUEST-READY
            """;

    private static final String CLONE = """
            apiVersion: vmtemplating.io/v1alpha1
            kind: VmClone
            metadata:
              name: busybox-1
              namespace: default
            spec:
              templateRef:
                name: busybox
              cpus: 2
              memory:
                size: 512Mi
              virtioMem:
                requestedSize: 128Mi
              portForwards:
                - podPort: 2222
                  guestPort: 22
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    record Payload(String path, String body) {
    }

    /** @param p99MillisByPayload p99 per payload: valid template, invalid template, clone (template lookup) */
    record Stats(long requests, long errors, double seconds, double p50Millis, double p99Millis, double maxMillis,
            List<Double> p99MillisByPayload) {
        double perSecond() {
            return requests / seconds;
        }
    }

    /** latencyNanos[i] answered payloads[payloadIndex[i]]. */
    private record ClientResult(long[] latencyNanos, int[] payloadIndex, int count, long errors) {
    }

    private WebhookLoad() {
    }

    static Stats run(int port, int clients, Duration warmup, Duration measured) throws Exception {
        List<Payload> payloads = payloads();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        round(http, port, clients, payloads, warmup);
        long start = System.nanoTime();
        List<ClientResult> results = round(http, port, clients, payloads, measured);
        return stats(results, (System.nanoTime() - start) / 1e9, payloads.size());
    }

    private static List<ClientResult> round(HttpClient http, int port, int clients, List<Payload> payloads,
            Duration length) throws Exception {
        long deadline = System.nanoTime() + length.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<ClientResult>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int offset = c;
                futures.add(pool.submit(() -> client(http, port, payloads, offset, deadline)));
            }
            List<ClientResult> results = new ArrayList<>();
            for (Future<ClientResult> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * One client: HttpURLConnection with keep-alive, a connection per thread like an API server's per-worker
     * connection; lighter on CPU than java.net.http, which matters when load and server share two cores.
     */
    private static ClientResult client(HttpClient unused, int port, List<Payload> payloads, int offset, long deadline) {
        long[] latencies = new long[1 << 14];
        int[] indices = new int[latencies.length];
        int count = 0;
        long errors = 0;
        for (int i = offset; System.nanoTime() < deadline; i++) {
            Payload payload = payloads.get(i % payloads.size());
            byte[] body = payload.body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            long sent = System.nanoTime();
            try {
                java.net.HttpURLConnection connection = (java.net.HttpURLConnection)
                        URI.create("http://127.0.0.1:" + port + payload.path()).toURL().openConnection();
                connection.setRequestMethod("POST");
                connection.setDoOutput(true);
                connection.setRequestProperty("Content-Type", "application/json");
                connection.setFixedLengthStreamingMode(body.length);
                try (var out = connection.getOutputStream()) {
                    out.write(body);
                }
                int status = connection.getResponseCode();
                String answer;
                try (var in = connection.getInputStream()) {
                    answer = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                }
                if (status != 200 || !answer.contains("\"allowed\"")) {
                    errors++;
                }
            } catch (IOException e) {
                errors++;
            }
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
                indices = Arrays.copyOf(indices, count * 2);
            }
            indices[count] = i % payloads.size();
            latencies[count++] = System.nanoTime() - sent;
        }
        return new ClientResult(latencies, indices, count, errors);
    }

    private static Stats stats(List<ClientResult> results, double seconds, int payloadCount) {
        List<Double> byPayload = new java.util.ArrayList<>();
        for (int p = 0; p < payloadCount; p++) {
            byPayload.add(Percentiles.of(collect(results, p), 0.99) / 1e6);
        }
        long[] all = collect(results, -1);
        return new Stats(all.length, results.stream().mapToLong(ClientResult::errors).sum(), seconds,
                Percentiles.of(all, 0.50) / 1e6, Percentiles.of(all, 0.99) / 1e6, Percentiles.of(all, 1.0) / 1e6, byPayload);
    }

    /** Sorted latencies of one payload, or of all when {@code payload} is -1. */
    private static long[] collect(List<ClientResult> results, int payload) {
        java.util.stream.LongStream.Builder samples = java.util.stream.LongStream.builder();
        for (ClientResult result : results) {
            for (int i = 0; i < result.count(); i++) {
                if (payload < 0 || result.payloadIndex()[i] == payload) {
                    samples.add(result.latencyNanos()[i]);
                }
            }
        }
        return samples.build().sorted().toArray();
    }

    static List<Payload> payloads() {
        List<ObjectNode> objects = objects();
        return List.of(new Payload("/validate/vmtemplates", review(objects.get(0))),
                new Payload("/validate/vmtemplates", review(objects.get(1))),
                new Payload("/validate/vmclones", review(objects.get(2))));
    }

    /** The objects under review, in turn: a valid template, one with three violations, a clone of {@link #TEMPLATE}. */
    static List<ObjectNode> objects() {
        ObjectNode invalid = tree(TEMPLATE);
        invalid.withObject("/spec/devices/balloon").put("freePageReporting", true);
        invalid.withObject("/spec/qemu").putArray("extraArgs").add("-mem-path").add("/dev/shm").add("-incoming").add("defer");
        return List.of(tree(TEMPLATE), invalid, tree(CLONE));
    }

    /** A CREATE AdmissionReview v1 as the API server sends it. */
    static String review(ObjectNode object) {
        ObjectNode review = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request").put("uid", "uid-1").put("operation", "CREATE")
                .put("namespace", "default").put("name", object.path("metadata").path("name").asText());
        request.putObject("kind").put("group", "vmtemplating.io").put("version", "v1alpha1")
                .put("kind", object.path("kind").asText());
        request.set("object", object);
        return review.toString();
    }

    static ObjectNode tree(String yaml) {
        try {
            return (ObjectNode) new YAMLMapper().readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
