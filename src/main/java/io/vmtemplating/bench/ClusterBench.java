package io.vmtemplating.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.local.LocalCluster;
import io.vmtemplating.local.LocalSession;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator and webhook parts of `vmt bench --kubeconfig PATH`, against a real API server. Set up first: the CRDs
 * and the operator's RBAC (as hack/cluster/up.sh installs them), a kubeconfig of the operator's ServiceAccount, the
 * webhook (the same child JVM as on the mock, serving HTTPS with a throw-away certificate) registered for a namespace
 * of the run's own. Then the operator under test in its child JVM, as on the mock; then the webhook's load through
 * the API server. Everything is undone by a {@link Teardown}, on SIGINT and SIGTERM too.
 */
final class ClusterBench {
    /** Issue 13's target for 1000 clones on a real API server (the mock's issue-8 target is 60 s). */
    static final double RECONCILE_TARGET_SECONDS = 30;
    private static final int WEBHOOK_CLIENTS = 16;
    private static final Duration WEBHOOK_WARMUP = Duration.ofSeconds(5);

    private ClusterBench() {
    }

    /** What the set-up left for the parts: the namespace, the operator's kubeconfig, the running webhook. */
    private record Fixture(String namespace, Path operatorKubeconfig, ChildJvm webhook, Map<String, String> webhookByResource) {
    }

    static void run(ClusterTarget target, Set<String> parts, int clones, int webhookSeconds, List<String> javaOptions,
            Path dir, BenchResults results, PrintStream err) throws Exception {
        results.apiServer(target.describe());
        results.detail("api_server", Map.of("version", target.version(), "url", target.config().getMasterUrl(),
                "kubeconfig", target.kubeconfig().toString()));
        try (KubernetesClient admin = target.client(); Teardown teardown = new Teardown(err)) {
            Fixture fixture = setUp(target, admin, javaOptions, dir, teardown, err);
            if (parts.contains("operator")) {
                operatorPart(admin, fixture, clones, javaOptions, dir, teardown, results, err);
            }
            if (parts.contains("webhook")) {
                webhookPart(admin, fixture, webhookSeconds, dir, results, err);
            }
            err.println("cluster: cleaning up (webhook registration, namespace " + fixture.namespace() + ", child JVMs) ...");
        }
    }

    /** Everything both parts need, each piece with its undo step in {@code teardown} as soon as it exists. */
    private static Fixture setUp(ClusterTarget target, KubernetesClient admin, List<String> javaOptions, Path dir,
            Teardown teardown, PrintStream err) throws Exception {
        Path home = LocalSession.home();
        ValidatingWebhookConfiguration deployed = WebhookRegistration.deployed(admin, home);
        String deployedName = deployed.getMetadata().getName();
        if (admin.admissionRegistration().v1().validatingWebhookConfigurations().withName(deployedName).get() != null) {
            // two registrations with the same webhook names: every create would call both, and the API server's
            // histogram would mix the operator's webhook with the bench's
            throw new BadBenchInput("--kubeconfig " + target.kubeconfig() + ": that cluster runs the operator's webhook already"
                    + " (ValidatingWebhookConfiguration " + deployedName + "), and the bench brings its own operator and webhook;"
                    + " start the cluster without it (VMT_CLUSTER_OPERATOR=0 bash hack/cluster/up.sh)");
        }
        err.printf("cluster: %s at %s; installing crds/ and the operator's RBAC ...%n", target.describe(),
                target.config().getMasterUrl());
        ServiceAccount account = ClusterInstall.apply(admin, home);
        Path scratch = Files.createTempDirectory(dir, "cluster-");
        teardown.add("removing " + scratch, () -> LocalCluster.deleteTree(scratch));
        Path operatorKubeconfig = ServiceAccountKubeconfig.write(admin, target.config(), account, scratch.resolve("operator.kubeconfig"));
        WebhookCertificate certificate = WebhookCertificate.create(scratch);

        ChildJvm webhook = ChildJvm.start(List.of("webhook", "cluster", operatorKubeconfig.toString(), certificate.keystore().toString()),
                Map.of(WebhookCertificate.PASSWORD_VARIABLE, certificate.password()), javaOptions, dir.resolve("webhook.log"));
        teardown.add("stopping the webhook", webhook::close);
        int port = Integer.parseInt(webhook.firstLine().substring("port=".length()));
        String namespace = BenchNamespace.create(admin);
        teardown.add("deleting namespace " + namespace, () -> BenchNamespace.delete(admin, namespace, err));
        ValidatingWebhookConfiguration registration = WebhookRegistration.forBench(deployed, "https://127.0.0.1:" + port,
                certificate.pem(), namespace);
        admin.resource(registration).create();
        // undone first: while the namespace is emptied the webhook still answers, or the registration is gone
        teardown.add("deleting ValidatingWebhookConfiguration " + namespace, () -> admin.resource(registration).delete());
        Map<String, String> webhookByResource = WebhookRegistration.webhookByResource(registration);
        ApiServerWebhookLoad.awaitWebhook(admin, namespace, webhookByResource, Duration.ofSeconds(30));
        err.printf("cluster: namespace %s; the webhook on https://127.0.0.1:%d is registered for it%n", namespace, port);
        return new Fixture(namespace, operatorKubeconfig, webhook, webhookByResource);
    }

    private static void operatorPart(KubernetesClient admin, Fixture fixture, int clones, List<String> javaOptions, Path dir,
            Teardown teardown, BenchResults results, PrintStream err) throws Exception {
        // the operator under test watches every namespace, as deployed: objects from before are its work too
        int clonesBefore = admin.resources(VmClone.class).inAnyNamespace().list().getItems().size();
        int templatesBefore = admin.resources(VmTemplate.class).inAnyNamespace().list().getItems().size();
        results.detail("cluster_objects_before", Map.of("vmclones", clonesBefore, "vmtemplates", templatesBefore));
        if (clonesBefore + templatesBefore > 0) {
            err.printf("cluster: %d VmClones and %d VmTemplates exist from before; the operator under test reconciles"
                    + " them too, which the figures include%n", clonesBefore, templatesBefore);
        }
        ChildJvm operator = ChildJvm.start(List.of("operator", "cluster", fixture.operatorKubeconfig().toString()), Map.of(),
                javaOptions, dir.resolve("operator.log"));
        OperatorBench.Result result;
        try (Teardown.Registration stop = teardown.add("stopping the operator", operator::close)) {
            result = OperatorBench.measure(admin, fixture.namespace(), operator, clones,
                    LocalSession.home().resolve("samples/demo/template.yaml"), err);
        }
        BenchCommand.operator(result, RECONCILE_TARGET_SECONDS, javaOptions, results);
    }

    private static void webhookPart(KubernetesClient admin, Fixture fixture, int webhookSeconds, Path dir, BenchResults results,
            PrintStream err) throws Exception {
        ApiServerWebhookLoad.createClonesTemplate(admin, fixture.namespace());
        err.printf("webhook: %d clients through the API server, %d s warm-up, %d s measured ...%n", WEBHOOK_CLIENTS,
                WEBHOOK_WARMUP.toSeconds(), webhookSeconds);
        ApiServerWebhookLoad.Result load = ApiServerWebhookLoad.run(admin, fixture.namespace(), fixture.webhookByResource(),
                WEBHOOK_CLIENTS, WEBHOOK_WARMUP, Duration.ofSeconds(webhookSeconds), fixture.webhook()::reset);
        webhook(load, fixture.webhook().report(), results);
        // the figures' source, for anyone who wants to check them (PrometheusHistogramTest's captures are two of these)
        Files.writeString(dir.resolve("apiserver-webhook-metrics-before.txt"), load.scrapes().get(0));
        Files.writeString(dir.resolve("apiserver-webhook-metrics-after.txt"), load.scrapes().get(1));
    }

    /** The webhook part's figures: the API server's own measure of its calls to the webhook, and what clients saw. */
    static void webhook(ApiServerWebhookLoad.Result load, JsonNode child, BenchResults results) {
        PrometheusHistogram calls = load.webhook();
        results.figure("webhook_p99_ms_apiserver", "webhook latency p99 as the API server measures it (its histogram,"
                        + " interpolated as histogram_quantile does), " + WEBHOOK_CLIENTS + " clients (ms)",
                        calls.quantile(0.99) * 1000, 20, "≤ 20")
                .figure("webhook_p50_ms_apiserver", "webhook latency p50 as the API server measures it (ms)", calls.quantile(0.5) * 1000)
                .figure("webhook_mean_ms_apiserver", "webhook latency mean as the API server measures it (exact: _sum / _count, ms)",
                        calls.mean() * 1000)
                .figure("webhook_calls_per_s_apiserver", "webhook calls per second through the API server", calls.count() / load.seconds())
                .figure("dry_run_create_p99_ms", "dry-run create through the API server, p99 as its clients see it (ms)",
                        load.clientP99Millis())
                .figure("webhook_handling_p99_ms", "of which the webhook's own handling, p99 (handler start → answer"
                        + " written, in its JVM; TLS and waiting for a worker excluded, ms)", child.path("handlingP99Ms").asDouble(Double.NaN));
        Map<String, Object> byWebhook = new LinkedHashMap<>();
        load.byWebhook().forEach((name, histogram) -> byWebhook.put(name, Map.of("calls", histogram.count(),
                "p99_ms", histogram.quantile(0.99) * 1000, "mean_ms", histogram.mean() * 1000, "buckets", buckets(histogram))));
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("metric", ApiServerWebhookLoad.METRIC);
        detail.put("calls", calls.count());
        detail.put("buckets", buckets(calls));
        // the buckets are 5, 25, 100 ms …: these shares are exact, the p99 inside a bucket is an interpolation
        detail.put("share_at_or_below_5ms", calls.shareAtOrBelow(0.005));
        detail.put("share_at_or_below_25ms", calls.shareAtOrBelow(0.025));
        detail.put("by_webhook", byWebhook);
        detail.put("requests", load.requests());
        detail.put("unexpected_outcomes", load.unexpected());
        detail.put("first_unexpected", load.firstUnexpected() == null ? "" : load.firstUnexpected());
        detail.put("seconds", load.seconds());
        detail.put("client_p50_ms", load.clientP50Millis());
        detail.put("client_p99_ms_valid_template_invalid_template_clone", load.clientP99MillisByPayload());
        detail.put("child", child);
        results.detail("webhook_apiserver", detail);
    }

    /** le → cumulative count, as the API server exports them ("+Inf" for the last). */
    private static Map<String, Double> buckets(PrometheusHistogram histogram) {
        Map<String, Double> buckets = new LinkedHashMap<>();
        histogram.buckets().forEach(b -> buckets.put(Double.isInfinite(b.upperBound()) ? "+Inf" : Double.toString(b.upperBound()),
                b.count()));
        return buckets;
    }
}
