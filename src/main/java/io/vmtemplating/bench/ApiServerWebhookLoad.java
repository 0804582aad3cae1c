package io.vmtemplating.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

/**
 * The webhook's load sent the way users send it: dry-run creates through the API server, which calls the webhook for
 * each one (its sideEffects None lets dry runs reach it) and times that call itself. N clients, each sending its next
 * create as soon as the last answer came, cycle through {@link WebhookLoad#objects()} in the bench's namespace: a
 * valid template, a template the webhook denies, a clone. A warm-up round, then a measured round between two scrapes
 * of the API server's {@value #METRIC} histogram.
 */
final class ApiServerWebhookLoad {
    static final String METRIC = "apiserver_admission_webhook_admission_duration_seconds";
    private static final ResourceDefinitionContext TEMPLATES = context("VmTemplate", "vmtemplates");
    private static final ResourceDefinitionContext CLONES = context("VmClone", "vmclones");
    /** How the API server words a webhook's denial; a denial worded otherwise did not come from the webhook. */
    private static final String DENIED = "admission webhook \"%s\" denied the request";

    /**
     * What the clients saw (each create's whole round trip through the API server) and what the API server measured
     * of its calls to the webhook.
     *
     * @param unexpected creates whose outcome was not the payload's (the valid ones denied, the invalid one let
     *                   through, any other error)
     * @param clientP99MillisByPayload valid template, invalid template, clone
     * @param webhook    the measured round's observations, all our webhooks together
     * @param byWebhook  the same per webhook name
     * @param scrapes    the {@value #METRIC} lines of the scrapes before and after, as the API server wrote them
     */
    record Result(long requests, long unexpected, String firstUnexpected, double seconds, double clientP50Millis,
            double clientP99Millis, List<Double> clientP99MillisByPayload, PrometheusHistogram webhook,
            Map<String, PrometheusHistogram> byWebhook, List<String> scrapes) {
    }

    private record Payload(ResourceDefinitionContext kind, GenericKubernetesResource object, boolean allowed, String webhook) {
    }

    private record ClientResult(long[] latencyNanos, int[] payloadIndex, int count, long unexpected, String firstUnexpected) {
    }

    private ApiServerWebhookLoad() {
    }

    /**
     * Until the API server calls the webhook: a freshly created registration takes effect when the API server's
     * informer has seen it. Proof is the invalid template denied in the webhook's words.
     */
    static void awaitWebhook(KubernetesClient client, String namespace, Map<String, String> webhookByResource, Duration timeout)
            throws InterruptedException {
        Payload invalid = payloads(client, namespace, webhookByResource).get(1);
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "every dry-run create of an invalid template was allowed (no webhook called)";
        while (System.nanoTime() < deadline) {
            String outcome = send(client, invalid);
            if (outcome == null) {
                return;
            }
            last = outcome;
            Thread.sleep(200);
        }
        throw new IllegalStateException("the API server did not call the bench's webhook within " + timeout.toSeconds()
                + " s: " + last);
    }

    /**
     * @param webhookByResource   our webhooks' names by the resource they review (vmtemplates, vmclones)
     * @param measuredRoundStarts run between the first scrape and the measured round (the webhook's own clock starts)
     */
    static Result run(KubernetesClient client, String namespace, Map<String, String> webhookByResource, int clients,
            Duration warmup, Duration measured, Runnable measuredRoundStarts) throws Exception {
        List<Payload> payloads = payloads(client, namespace, webhookByResource);
        List<String> webhookNames = List.copyOf(new LinkedHashSet<>(webhookByResource.values()));
        round(client, payloads, clients, warmup);
        // the histogram counts since the API server started: the round is the difference of two scrapes
        String before = metrics(client);
        measuredRoundStarts.run();
        long start = System.nanoTime();
        List<ClientResult> results = round(client, payloads, clients, measured);
        double seconds = (System.nanoTime() - start) / 1e9;
        String after = metrics(client);

        PrometheusHistogram all = PrometheusHistogram.parse(after, METRIC, l -> webhookNames.contains(l.get("name")))
                .minus(PrometheusHistogram.parse(before, METRIC, l -> webhookNames.contains(l.get("name"))));
        Map<String, PrometheusHistogram> byWebhook = new LinkedHashMap<>();
        for (String name : webhookNames) {
            byWebhook.put(name, PrometheusHistogram.parse(after, METRIC, l -> name.equals(l.get("name")))
                    .minus(PrometheusHistogram.parse(before, METRIC, l -> name.equals(l.get("name")))));
        }
        List<Double> byPayload = new ArrayList<>();
        for (int p = 0; p < payloads.size(); p++) {
            byPayload.add(Percentiles.of(latencies(results, p), 0.99) / 1e6);
        }
        long[] every = latencies(results, -1);
        return new Result(every.length, results.stream().mapToLong(ClientResult::unexpected).sum(),
                results.stream().map(ClientResult::firstUnexpected).filter(m -> m != null).findFirst().orElse(null), seconds,
                Percentiles.of(every, 0.5) / 1e6, Percentiles.of(every, 0.99) / 1e6, byPayload, all, byWebhook,
                List.of(lines(before), lines(after)));
    }

    private static List<ClientResult> round(KubernetesClient client, List<Payload> payloads, int clients, Duration length)
            throws Exception {
        long deadline = System.nanoTime() + length.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<ClientResult>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int offset = c;
                futures.add(pool.submit(() -> client(client, payloads, offset, deadline)));
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

    private static ClientResult client(KubernetesClient client, List<Payload> payloads, int offset, long deadline) {
        long[] latencies = new long[1 << 12];
        int[] indices = new int[latencies.length];
        int count = 0;
        long unexpected = 0;
        String first = null;
        for (int i = offset; System.nanoTime() < deadline; i++) {
            int index = i % payloads.size();
            long sent = System.nanoTime();
            String outcome = send(client, payloads.get(index));
            long took = System.nanoTime() - sent;
            if (outcome != null) {
                unexpected++;
                first = first == null ? outcome : first;
            }
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
                indices = Arrays.copyOf(indices, count * 2);
            }
            indices[count] = index;
            latencies[count++] = took;
        }
        return new ClientResult(latencies, indices, count, unexpected, first);
    }

    /** One dry-run create; null when its outcome is the payload's, else what happened instead. */
    private static String send(KubernetesClient client, Payload payload) {
        try {
            client.genericKubernetesResources(payload.kind()).resource(payload.object()).dryRun().create();
            return payload.allowed() ? null : payload.object().getKind() + " with violations was allowed";
        } catch (KubernetesClientException e) {
            String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
            if (!payload.allowed() && message != null && message.contains(String.format(DENIED, payload.webhook()))) {
                return null;
            }
            return "HTTP " + e.getCode() + ": " + message;
        }
    }

    /**
     * WebhookLoad's objects in {@code namespace}; the second (the template with violations) is the one to deny. The
     * templates are renamed: a dry-run create of the name the clone's real template has would end in AlreadyExists.
     */
    private static List<Payload> payloads(KubernetesClient client, String namespace, Map<String, String> webhookByResource) {
        List<ObjectNode> objects = WebhookLoad.objects();
        List<Payload> payloads = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            GenericKubernetesResource resource = inNamespace(client, objects.get(i), namespace);
            ResourceDefinitionContext kind = resource.getKind().equals("VmClone") ? CLONES : TEMPLATES;
            if (kind == TEMPLATES) {
                resource.getMetadata().setName(resource.getMetadata().getName() + "-dry-run");
            }
            payloads.add(new Payload(kind, resource, i != 1, webhookByResource.get(kind.getPlural())));
        }
        return payloads;
    }

    /** The template the clone payload names, created for real (the webhook looks it up). */
    static void createClonesTemplate(KubernetesClient client, String namespace) {
        GenericKubernetesResource template = inNamespace(client, WebhookLoad.tree(WebhookLoad.TEMPLATE), namespace);
        if (client.genericKubernetesResources(TEMPLATES).inNamespace(namespace).withName(template.getMetadata().getName()).get() == null) {
            client.genericKubernetesResources(TEMPLATES).resource(template).create();
        }
    }

    private static GenericKubernetesResource inNamespace(KubernetesClient client, ObjectNode object, String namespace) {
        ObjectNode copy = object.deepCopy();
        copy.withObject("/metadata").put("namespace", namespace);
        return client.getKubernetesSerialization().convertValue(copy, GenericKubernetesResource.class);
    }

    private static String metrics(KubernetesClient client) {
        String text = client.raw("/metrics");
        if (text == null) {
            throw new IllegalStateException("the API server at " + client.getMasterUrl() + " serves no /metrics");
        }
        return text;
    }

    /** The metric's own lines of a scrape (the whole is ~2 MB). */
    private static String lines(String metrics) {
        StringBuilder kept = new StringBuilder();
        for (String line : metrics.split("\n")) {
            if (line.startsWith(METRIC) || line.startsWith("# HELP " + METRIC) || line.startsWith("# TYPE " + METRIC)) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }

    /** Sorted latencies of one payload, or of all when {@code payload} is -1. */
    private static long[] latencies(List<ClientResult> results, int payload) {
        LongStream.Builder samples = LongStream.builder();
        for (ClientResult result : results) {
            for (int i = 0; i < result.count(); i++) {
                if (payload < 0 || result.payloadIndex()[i] == payload) {
                    samples.add(result.latencyNanos()[i]);
                }
            }
        }
        return samples.build().sorted().toArray();
    }

    /** Fixed, so no create asks the API server's discovery first. */
    private static ResourceDefinitionContext context(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup("vmtemplating.io").withVersion("v1alpha1").withKind(kind)
                .withPlural(plural).withNamespaced(true).build();
    }
}
