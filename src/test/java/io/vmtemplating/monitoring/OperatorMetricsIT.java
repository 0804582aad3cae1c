package io.vmtemplating.monitoring;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.vmtemplating.api.v1alpha1.ClonePhase;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmClonePool;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.types.ClaimStatus;
import io.vmtemplating.launcher.PodContract;
import io.vmtemplating.launcher.PortMap;
import io.vmtemplating.local.LocalCluster;
import io.vmtemplating.local.LocalNode;
import io.vmtemplating.local.LocalSession;
import io.vmtemplating.local.NodeMode;
import io.vmtemplating.local.PodEnvironment;
import io.vmtemplating.webhook.AdmissionReviews;
import jakarta.inject.Inject;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Both /metrics endpoints as Prometheus sees them, with real observations: the Quarkus application (its reconcilers
 * against the mock API server) with a local node running the launcher pods as processes with real QEMU. A template is
 * frozen, a clone restored, a pool fills and a claim takes a warm member, the webhook answers two reviews; then the
 * operator's /q/metrics and the clone launcher's /metrics are parsed by Prometheus' own text parser (hack/promtext)
 * and the families, labels and values a user would query are asserted.
 */
@QuarkusTest
@TestProfile(OperatorMetricsIT.OwnApplication.class)
@WithKubernetesTestServer(crud = true)
@Tag("qemu")
class OperatorMetricsIT {
    private static final Duration LONG = Duration.ofMinutes(5);
    private static final String NS = "metrics";

    /** A Quarkus application (and mock API server) of its own: the local node must see no other test's pods. */
    public static class OwnApplication implements QuarkusTestProfile {
    }

    @Inject
    KubernetesClient client;

    @Test
    void bothEndpointsParseAndCountWhatHappened() throws Exception {
        Path nodeRoot = Path.of(Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm" : System.getProperty("java.io.tmpdir"))
                .resolve("vmt-metrics-" + ProcessHandle.current().pid());
        Path guest = LocalSession.buildGuest(LocalSession.home());
        Path guestDir = nodeRoot.resolve("var/lib/vmtemplating/guest");
        Files.createDirectories(guestDir);
        Files.copy(guest.resolve("vmlinuz-cloud"), guestDir.resolve("vmlinuz"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(guest.resolve("initrd.gz"), guestDir.resolve("initrd.gz"), StandardCopyOption.REPLACE_EXISTING);
        LocalNode node = new LocalNode(client, nodeRoot, io.vmtemplating.launcher.LauncherJvm.entrypoint(),
                PodEnvironment.inherited(System.getenv()), NodeMode.MOCK_API_SERVER, new PrintStream(OutputStream.nullOutputStream()));
        try {
            node.start();
            runAndScrape();
        } finally {
            try {
                deleteAll();
            } catch (RuntimeException | AssertionError e) {
                System.err.println("OperatorMetricsIT: objects left at the end: " + e);
            }
            node.close();
            LocalCluster.deleteTree(nodeRoot);
        }
    }

    private void runAndScrape() throws Exception {
        create(LocalSession.read(List.of(LocalSession.home().resolve("samples/demo/template.yaml"))));
        await().atMost(LONG).pollInterval(Duration.ofSeconds(1)).until(() -> phase(template()) == TemplatePhase.Ready);
        create(List.of(Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClone
                metadata: {name: metrics-clone}
                spec: {templateRef: {name: demo}}
                """, VmClone.class)));
        create(LocalSession.read(List.of(LocalSession.home().resolve("samples/pool/pool.yaml"))));
        await().atMost(LONG).pollInterval(Duration.ofMillis(250)).until(() -> {
            VmClonePool pool = client.resources(VmClonePool.class).inNamespace(NS).withName("demo-warm").get();
            return pool.getStatus() != null && Integer.valueOf(2).equals(pool.getStatus().readyReplicas());
        });
        create(LocalSession.read(List.of(LocalSession.home().resolve("samples/pool/claim.yaml"))));
        VmClone claim = awaitRunning("demo-claim-1");
        assertEquals(ClaimStatus.WARM, claim.getStatus().claim().path());
        VmClone clone = awaitRunning("metrics-clone");

        // the webhook: one template allowed, one denied for an extraArgs rule (its list index left out of the label)
        ObjectNode allowed = tree(LocalSession.home().resolve("samples/demo/template.yaml"));
        ObjectNode denied = tree(LocalSession.home().resolve("samples/rejected/extra-args-qmp.yaml"));
        for (ObjectNode object : List.of(allowed, denied)) {
            given().contentType("application/json").body(AdmissionReviews.review("CREATE", object, null))
                    .post("/validate/vmtemplates").then().statusCode(200);
        }

        // the operator's page, once the template counted both clones and the pool its refill
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            PromText.Page page = PromText.parse(operatorPage());
            assertEquals(2.0, value(page, "vmtemplating_template_clones", Map.of("namespace", NS, "template", "demo")));
            assertTrue(value(page, "vmtemplating_pool_refills_total", Map.of("namespace", NS, "pool", "demo-warm")) >= 3,
                    "two members at first, one more after the claim");
        });
        String operatorText = operatorPage();
        Files.writeString(Path.of("target/operator-metrics.txt"), operatorText); // to read when an assertion fails
        String openMetrics = given().header("Accept", "application/openmetrics-text;version=1.0.0,*/*;q=0.1").get("/q/metrics")
                .then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("application/openmetrics-text")).extract().asString();
        assertTrue(openMetrics.endsWith("# EOF\n"), "an OpenMetrics page ends with # EOF");
        assertEquals(typedFamilies(operatorText, false), typedFamilies(openMetrics, true), "the same families in both formats");
        PromText.Page operator = PromText.parse(operatorText);
        assertEquals(List.of(), operator.problems().stream().filter(p -> p.metric().startsWith("vmtemplating_")).toList(),
                "our names follow Prometheus' conventions (promlint)");

        VmTemplate template = template();
        PromText.Series boot = histogram(operator, "vmtemplating_template_boot_seconds", Map.of("namespace", NS));
        assertEquals(1, boot.count());
        assertEquals(template.getStatus().bootMillis() / 1000.0, boot.sum(), 1e-6, "the status' bootMillis, in seconds");
        PromText.Series freeze = histogram(operator, "vmtemplating_template_freeze_seconds", Map.of("namespace", NS));
        assertEquals(1, freeze.count());
        assertEquals(template.getStatus().freezeMillis() / 1000.0, freeze.sum(), 1e-6);
        assertEquals(1.0, value(operator, "vmtemplating_template_builds_total", Map.of("namespace", NS, "result", "frozen")));
        assertEquals(1.0, value(operator, "vmtemplating_template_phase", Map.of("namespace", NS, "template", "demo", "phase", "Ready")));
        assertEquals(0.0, value(operator, "vmtemplating_template_phase", Map.of("namespace", NS, "template", "demo", "phase", "Failed")));

        // restores: the plain clone and the claim (its member's restore, reported once the claim owns the pod)
        PromText.Series restores = histogram(operator, "vmtemplating_clone_restore_seconds", Map.of("namespace", NS, "template", "demo"));
        assertEquals(2, restores.count(), restores.toString());
        assertEquals((clone.getStatus().restoreMillis() + claim.getStatus().restoreMillis()) / 1000.0, restores.sum(), 1e-6);
        assertEquals(2L, restores.buckets().get("+Inf"));
        assertTrue(restores.buckets().containsKey("0.5"), "fixed buckets a user can alert on: " + restores.buckets());

        assertEquals(1.0, value(operator, "vmtemplating_pool_claims_total", Map.of("namespace", NS, "pool", "demo-warm", "path", "warm")));
        PromText.Series claims = histogram(operator, "vmtemplating_pool_claim_seconds", Map.of("namespace", NS, "pool", "demo-warm", "path", "warm"));
        assertEquals(claim.getStatus().claim().claimMillis() / 1000.0, claims.sum(), 1e-6);
        assertTrue(operator.family("vmtemplating_clone_failures_total").map(f -> f.series().isEmpty()).orElse(true),
                "no clone failed");

        assertEquals(1.0, value(operator, "vmtemplating_webhook_reviews_total",
                Map.of("kind", "VmTemplate", "operation", "CREATE", "decision", "allowed")));
        assertEquals(1.0, value(operator, "vmtemplating_webhook_reviews_total",
                Map.of("kind", "VmTemplate", "operation", "CREATE", "decision", "denied")));
        assertEquals(1.0, value(operator, "vmtemplating_webhook_violations_total",
                Map.of("kind", "VmTemplate", "field", "spec.qemu.extraArgs[]")));

        // JOSDK's reconcile metrics, which QOSDK binds to the same registry
        for (String controller : List.of("vmtemplate", "vmclone", "vmclonepool")) {
            assertTrue(value(operator, "reconciliations_started_total", Map.of("controller_name", controller)) > 0, controller);
        }
        assertEquals("COUNTER", operator.family("reconciliations_success_total").orElseThrow().type());

        // no clone's name in any label of ours: a series must not be born per clone
        for (PromText.Family family : operator.families().values()) {
            if (family.name().startsWith("vmtemplating_")) {
                family.series().forEach(s -> assertFalse(s.labels().containsValue("metrics-clone")
                        || s.labels().containsValue("demo-claim-1"), family.name() + " " + s.labels()));
            }
        }

        // the clone's launcher
        Pod pod = client.pods().inNamespace(NS).withName(clone.getStatus().podName()).get();
        HttpResponse<String> launcher = HttpClient.newHttpClient().send(HttpRequest.newBuilder(launcherMetrics(pod))
                .header("Accept", "text/plain;version=0.0.4").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, launcher.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", launcher.headers().firstValue("Content-Type").orElse(""));
        PromText.Page page = PromText.parse(launcher.body());
        assertEquals(List.of(), page.problems(), launcher.body());
        assertEquals(Set.of("vmtemplating_launcher_guest_running", "vmtemplating_launcher_overhead_seconds",
                "vmtemplating_launcher_restore_seconds", "vmtemplating_launcher_qemu_rss_bytes", "vmtemplating_launcher_qemu_pss_bytes",
                "vmtemplating_launcher_qemu_private_bytes", "vmtemplating_launcher_qemu_shared_with_template_bytes",
                "vmtemplating_launcher_guest_private_bytes", "vmtemplating_launcher_qemu_overhead_bytes", "vmtemplating_launcher_rss_bytes"),
                page.families().keySet());
        page.families().values().forEach(f -> assertEquals("GAUGE", f.type(), f.name()));
        assertEquals(1.0, value(page, "vmtemplating_launcher_guest_running", Map.of()));
        assertEquals(clone.getStatus().restoreMillis() / 1000.0, value(page, "vmtemplating_launcher_restore_seconds", Map.of()), 1e-9);
        double rss = value(page, "vmtemplating_launcher_qemu_rss_bytes", Map.of());
        assertTrue(rss >= 16 * 1024 * 1024 && rss % (1024 * 1024) == 0, "QEMU's RSS in bytes: " + rss);

        // a deleted template takes its state-set and clone-count series with it
        deleteAll();
        PromText.Page after = PromText.parse(operatorPage());
        assertTrue(after.family("vmtemplating_template_phase").map(f -> f.where(l -> "demo".equals(l.get("template")))).orElse(List.of())
                .isEmpty(), "the deleted template's phase series are gone");
        assertEquals(1, histogram(after, "vmtemplating_template_boot_seconds", Map.of("namespace", NS)).count(),
                "histograms keep what they observed");
    }

    /** What Prometheus 2 sends by default (scrape_protocols OpenMetricsText1.0.0, OpenMetricsText0.0.1, PrometheusText0.0.4). */
    static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
            + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    /**
     * The page Prometheus gets: Quarkus answers any Accept that names text/plain with the classic text format 0.0.4,
     * which Prometheus' Go parser reads; OpenMetrics only to a client asking for nothing else (checked below).
     */
    private String operatorPage() {
        return given().header("Accept", PROMETHEUS_ACCEPT).get("/q/metrics").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("text/plain; version=0.0.4")).extract().asString();
    }

    private static Set<String> typedFamilies(String page, boolean openMetrics) {
        Set<String> names = new java.util.TreeSet<>();
        for (String line : page.split("\n")) {
            if (line.startsWith("# TYPE vmtemplating_") || line.startsWith("# TYPE reconciliations_")) {
                String[] parts = line.split(" ");
                names.add(!openMetrics && parts[3].equals("counter") ? parts[2].replaceFirst("_total$", "") : parts[2]);
            }
        }
        return names;
    }

    private static URI launcherMetrics(Pod pod) {
        int port = pod.getStatus().getConditions().stream().filter(c -> PortMap.CONDITION_TYPE.equals(c.getType())).findFirst()
                .map(c -> PortMap.parse(c.getMessage())).orElse(PortMap.IDENTITY).nodePort(PodContract.HTTP_PORT);
        return URI.create("http://" + pod.getStatus().getPodIP() + ":" + port + PodContract.PATH_METRICS);
    }

    private static double value(PromText.Page page, String family, Map<String, String> labels) {
        List<PromText.Series> series = page.family(family).orElseThrow(() -> new AssertionError("no family " + family))
                .where(matching(labels));
        assertEquals(1, series.size(), family + labels + ": " + series);
        return series.get(0).value();
    }

    private static PromText.Series histogram(PromText.Page page, String family, Map<String, String> labels) {
        PromText.Family f = page.family(family).orElseThrow(() -> new AssertionError("no family " + family));
        assertEquals("HISTOGRAM", f.type(), family);
        List<PromText.Series> series = f.where(matching(labels));
        assertEquals(1, series.size(), family + labels + ": " + series);
        return series.get(0);
    }

    private static Predicate<Map<String, String>> matching(Map<String, String> wanted) {
        return labels -> wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    private void create(List<HasMetadata> objects) {
        for (HasMetadata object : objects) {
            object.getMetadata().setNamespace(NS);
            client.resource(object).create();
        }
    }

    private static ObjectNode tree(Path sample) throws Exception {
        ObjectNode object = (ObjectNode) new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(sample.toFile());
        ((ObjectNode) object.path("metadata")).put("namespace", NS);
        return object;
    }

    private VmTemplate template() {
        return client.resources(VmTemplate.class).inNamespace(NS).withName("demo").get();
    }

    private static TemplatePhase phase(VmTemplate template) {
        return template == null || template.getStatus() == null ? null : template.getStatus().phase();
    }

    private VmClone awaitRunning(String name) {
        await().atMost(LONG).pollInterval(Duration.ofMillis(250)).until(() -> {
            VmClone clone = client.resources(VmClone.class).inNamespace(NS).withName(name).get();
            return clone.getStatus() != null && clone.getStatus().phase() == ClonePhase.Running
                    && clone.getStatus().restoreMillis() != null;
        });
        return client.resources(VmClone.class).inNamespace(NS).withName(name).get();
    }

    private void deleteAll() {
        client.resources(VmClonePool.class).inNamespace(NS).delete();
        client.resources(VmClone.class).inNamespace(NS).delete();
        client.resources(VmTemplate.class).inNamespace(NS).delete();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() ->
                client.resources(VmTemplate.class).inNamespace(NS).list().getItems().isEmpty()
                        && client.pods().inNamespace(NS).list().getItems().stream().allMatch(p -> p.getMetadata().getDeletionTimestamp() != null));
    }
}
