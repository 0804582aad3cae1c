package io.vmtemplating.webhook.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmtemplating.webhook.AdmissionReviews;
import io.vmtemplating.webhook.Fixtures;

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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admission latency over HTTP: N concurrent clients POST AdmissionReviews for D seconds (after a warm-up)
 * and the benchmark prints p50/p99/max latency and throughput. Not a test: run it against a running webhook
 * (see docs/webhook.md). It talks to 127.0.0.1 only, so it can never load someone else's server.
 *
 * <pre>args: [--port 8080] [--clients 16] [--seconds 30] [--warmup 5] [--kind template|clone|mixed]</pre>
 * Request mix: a valid VmTemplate, a VmTemplate with three violations, and (clone/mixed) a VmClone whose
 * template the webhook looks up in its API server.
 */
public final class WebhookBenchmark {

    private record Settings(int port, int clients, int seconds, int warmupSeconds, String kind) {
    }

    private record Payload(String path, String body) {
    }

    private record ClientResult(long[] latencyNanos, int count, long errors) {
    }

    public static void main(String[] args) throws Exception {
        Settings settings = parse(args);
        List<Payload> payloads = payloads(settings.kind());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        System.out.printf("warming up %d s, then %d clients for %d s on 127.0.0.1:%d (%s)%n",
                settings.warmupSeconds(), settings.clients(), settings.seconds(), settings.port(), settings.kind());
        run(http, settings, payloads, settings.warmupSeconds());
        long start = System.nanoTime();
        List<ClientResult> results = run(http, settings, payloads, settings.seconds());
        double elapsedSeconds = (System.nanoTime() - start) / 1e9;
        report(results, elapsedSeconds);
    }

    private static List<ClientResult> run(HttpClient http, Settings settings, List<Payload> payloads, int seconds)
            throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(settings.clients());
        try {
            List<Future<ClientResult>> futures = new ArrayList<>();
            for (int c = 0; c < settings.clients(); c++) {
                int offset = c;
                futures.add(pool.submit(() -> client(http, settings.port(), payloads, offset, deadline)));
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

    private static ClientResult client(HttpClient http, int port, List<Payload> payloads, int offset, long deadline) {
        long[] latencies = new long[1 << 16];
        int count = 0;
        AtomicLong errors = new AtomicLong();
        for (int i = offset; System.nanoTime() < deadline; i++) {
            Payload payload = payloads.get(i % payloads.size());
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + payload.path()))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(payload.body())).build();
            long sent = System.nanoTime();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200 || !response.body().contains("\"allowed\"")) {
                    errors.incrementAndGet();
                }
            } catch (Exception e) {
                errors.incrementAndGet();
            }
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = System.nanoTime() - sent;
        }
        return new ClientResult(latencies, count, errors.get());
    }

    private static void report(List<ClientResult> results, double elapsedSeconds) {
        int total = results.stream().mapToInt(ClientResult::count).sum();
        long errors = results.stream().mapToLong(ClientResult::errors).sum();
        long[] all = new long[total];
        int at = 0;
        for (ClientResult result : results) {
            System.arraycopy(result.latencyNanos(), 0, all, at, result.count());
            at += result.count();
        }
        Arrays.sort(all);
        System.out.printf("requests %d, errors %d, throughput %.0f req/s%n", total, errors, total / elapsedSeconds);
        System.out.printf("latency p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                millis(all, 0.50), millis(all, 0.99), total == 0 ? 0.0 : all[total - 1] / 1e6);
    }

    private static double millis(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }

    private static List<Payload> payloads(String kind) {
        List<Payload> payloads = new ArrayList<>();
        if (!kind.equals("clone")) {
            ObjectNode invalid = Fixtures.tree(Fixtures.TEMPLATE);
            invalid.withObject("/spec/devices/balloon").put("freePageReporting", true);
            invalid.withObject("/spec/qemu").putArray("extraArgs").add("-mem-path").add("/dev/shm").add("-incoming").add("defer");
            payloads.add(new Payload("/validate/vmtemplates",
                    AdmissionReviews.review("CREATE", Fixtures.tree(Fixtures.TEMPLATE), null)));
            payloads.add(new Payload("/validate/vmtemplates", AdmissionReviews.review("CREATE", invalid, null)));
        }
        if (!kind.equals("template")) {
            payloads.add(new Payload("/validate/vmclones",
                    AdmissionReviews.review("CREATE", Fixtures.tree(Fixtures.CLONE), null)));
        }
        return payloads;
    }

    private static Settings parse(String[] args) {
        int port = 8080;
        int clients = 16;
        int seconds = 30;
        int warmup = 5;
        String kind = "mixed";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--clients" -> clients = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--kind" -> kind = args[i + 1];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        return new Settings(port, clients, seconds, warmup, kind);
    }
}
