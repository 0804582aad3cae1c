package io.vmtemplating.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.vmtemplating.local.LocalCluster;
import io.vmtemplating.webhook.AdmissionHandler;
import io.vmtemplating.webhook.BootFileDirs;
import io.vmtemplating.webhook.InformedTemplates;
import io.vmtemplating.webhook.AdmissionReply;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The measured side of the operator and webhook benchmarks, in its own JVM so that its RSS holds nothing
 * but the operator (or the webhook): {@code operator|webhook mock API_URL} against the embedded API server, or
 * {@code operator|webhook cluster KUBECONFIG [KEYSTORE]} against a real one (the webhook then serves HTTPS with the
 * PKCS12 keystore, its password in {@value WebhookCertificate#PASSWORD_VARIABLE}). Prints {@code ready} (webhook:
 * {@code port=N}) on stdout, answers each {@code report} line on stdin with one JSON line, starts the webhook's
 * handling times afresh at a {@code reset} line, exits at EOF.
 */
public final class BenchChild {
    private BenchChild() {
    }

    public static void main(String[] args) throws Exception {
        Logger root = Logger.getLogger("");
        root.setLevel(Level.WARNING);
        WarningCounter warnings = new WarningCounter();
        root.addHandler(warnings);
        boolean cluster = args[1].equals("cluster");
        Config config = cluster ? Config.fromKubeconfig(new File(args[2]))
                : new ConfigBuilder(Config.empty()).withMasterUrl(args[2]).build();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        if (args[0].equals("operator")) {
            FailureCounter failures = new FailureCounter();
            Operator operator = cluster ? ClusterOperator.start(client, failures)
                    : LocalCluster.startOperator(client, LocalCluster.LOCAL_SETTINGS, failures);
            System.out.println("ready");
            System.out.flush();
            serveReports(() -> String.format(java.util.Locale.ROOT,
                    "{\"reconciliations\":%d,\"reconcileErrors\":%d,\"warnings\":%d,\"firstError\":%s,%s}",
                    failures.started.get(), failures.failed.get(), warnings.count.get(),
                    quote(Optional.ofNullable(failures.first.get()).orElse(warnings.first.get())), memory()), () -> { });
            operator.stop();
        } else {
            // the webhook's own lookup: a watch-fed cache, the API server only on a miss
            InformedTemplates templates = InformedTemplates.start(client);
            AdmissionHandler handler = new AdmissionHandler(templates, io.vmtemplating.webhook.PoolLookup.NONE, BootFileDirs.DEFAULT);
            // headers and body go out in two writes: with Nagle on, the client's delayed ACK adds ~40 ms to each
            // answer (Quarkus' vert.x server sets TCP_NODELAY too)
            System.setProperty("sun.net.httpserver.nodelay", "true");
            InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            // the API server calls webhooks over HTTPS only; the bench's own clients (mock) speak plain HTTP
            HttpServer server = args.length > 3
                    ? WebhookTls.server(loopback, Path.of(args[3]), System.getenv(WebhookCertificate.PASSWORD_VARIABLE))
                    : HttpServer.create(loopback, 64);
            HandlingTimes times = new HandlingTimes();
            server.createContext("/validate/vmtemplates", exchange -> answer(exchange, handler::reviewTemplate, times));
            server.createContext("/validate/vmclones", exchange -> answer(exchange, handler::reviewClone, times));
            // a worker per client, like the Quarkus worker pool the blocking resource runs on
            server.setExecutor(Executors.newFixedThreadPool(16));
            server.start();
            System.out.println("port=" + server.getAddress().getPort());
            System.out.flush();
            serveReports(() -> "{\"warnings\":" + warnings.count.get() + ",\"templateCacheHits\":" + templates.cacheHits()
                    + ",\"templateApiReads\":" + templates.apiReads() + "," + times.json() + "," + memory() + "}", times::clear);
            server.stop(0);
            templates.close();
        }
        client.close();
        System.exit(0);
    }

    private static void answer(HttpExchange exchange, Function<String, AdmissionReply> review, HandlingTimes times)
            throws IOException {
        long start = System.nanoTime();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        AdmissionReply reply = review.apply(body);
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", reply.json() ? "application/json" : "text/plain");
        exchange.sendResponseHeaders(reply.httpStatus(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        times.add(System.nanoTime() - start);
    }

    /** {@code report} answers one JSON line; {@code reset} starts the figures that are per round afresh. */
    private static void serveReports(java.util.function.Supplier<String> report, Runnable reset) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.equals("report")) {
                System.out.println(report.get());
                System.out.flush();
            } else if (line.equals("reset")) {
                reset.run();
            }
        }
    }

    /** RSS as the kernel counts it, and the live heap after a full collection. */
    private static String memory() {
        long rssKiB = Machine.procField(Path.of("/proc/self/status"), "VmRSS").orElse(-1L);
        long hwmKiB = Machine.procField(Path.of("/proc/self/status"), "VmHWM").orElse(-1L);
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        long usedMiB = (runtime.totalMemory() - runtime.freeMemory()) >> 20;
        return "\"rssMiB\":" + (rssKiB >> 10) + ",\"peakRssMiB\":" + (hwmKiB >> 10) + ",\"heapUsedAfterGcMiB\":" + usedMiB
                + ",\"heapCommittedMiB\":" + (runtime.totalMemory() >> 20);
    }

    private static String quote(String text) {
        return text == null ? "null" : "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + "\"";
    }

    /** JOSDK's reconciliation callbacks: a failed reconcile is an exception out of a reconciler. */
    private static final class FailureCounter implements Metrics {
        final AtomicLong started = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicReference<String> first = new AtomicReference<>();

        @Override
        public void reconciliationStarted(HasMetadata resource, Map<String, Object> metadata) {
            started.incrementAndGet();
        }

        @Override
        public void reconciliationFailed(HasMetadata resource, RetryInfo retryInfo, Exception exception,
                Map<String, Object> metadata) {
            failed.incrementAndGet();
            first.compareAndSet(null, resource.getKind() + "/" + resource.getMetadata().getName() + ": " + exception);
        }
    }

    /** WARNING and above from JOSDK (it logs "Uncaught error" and informer trouble there) and from our classes. */
    private static final class WarningCounter extends Handler {
        final AtomicLong count = new AtomicLong();
        final AtomicReference<String> first = new AtomicReference<>();

        @Override
        public void publish(LogRecord record) {
            String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
            if (record.getLevel().intValue() >= Level.WARNING.intValue()
                    && (logger.startsWith("io.javaoperatorsdk") || logger.startsWith("io.vmtemplating"))) {
                count.incrementAndGet();
                first.compareAndSet(null, record.getLoggerName() + ": " + record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
