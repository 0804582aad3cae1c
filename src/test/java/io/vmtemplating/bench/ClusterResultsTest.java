package io.vmtemplating.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What results.json and the summary say about a run against a real API server, from the numbers of the real run that
 * PrometheusHistogramTest's captures come from (its details.webhook_apiserver and details.operator).
 */
class ClusterResultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void webhookFiguresComeFromTheApiServersHistogramWithTheirTarget() throws Exception {
        BenchResults results = new BenchResults().apiServer("kube-apiserver v1.34.4");
        ClusterBench.webhook(load(), JSON.readTree("{\"templateCacheHits\":1794,\"handled\":1844,\"handlingP50Ms\":0.639,"
                + "\"handlingP99Ms\":51.649,\"rssMiB\":201}"), results);
        JsonNode json = JSON.readTree(results.toJson());

        assertEquals("kube-apiserver v1.34.4", json.get("apiServer").asText());
        // as that run's results.json has them
        assertEquals(444.541, json.get("webhook_p99_ms_apiserver").asDouble());
        assertEquals(48.855, json.get("webhook_p50_ms_apiserver").asDouble());
        assertEquals(46.338, json.get("webhook_mean_ms_apiserver").asDouble());
        assertEquals(122.298, json.get("webhook_calls_per_s_apiserver").asDouble());
        assertEquals(353.866, json.get("dry_run_create_p99_ms").asDouble());
        assertEquals(51.649, json.get("webhook_handling_p99_ms").asDouble());
        assertEquals(20, json.at("/targets/webhook_p99_ms_apiserver/max").asDouble());
        assertEquals("missed", json.at("/targets/webhook_p99_ms_apiserver/verdict").asText());
        assertFalse(json.at("/targets").has("webhook_p50_ms_apiserver"));

        JsonNode detail = json.at("/details/webhook_apiserver");
        assertEquals(ApiServerWebhookLoad.METRIC, detail.get("metric").asText());
        assertEquals(1844, detail.get("calls").asInt());
        assertEquals(554, detail.at("/buckets/0.025").asInt());
        assertEquals(1844, detail.at("/buckets/+Inf").asInt());
        assertEquals(554.0 / 1844, detail.get("share_at_or_below_25ms").asDouble(), 1e-12);
        assertEquals(616, detail.at("/by_webhook/vmclones.vmtemplating.io/calls").asInt());
        assertEquals(1228, detail.at("/by_webhook/vmtemplates.vmtemplating.io/calls").asInt());
        assertEquals(0, detail.get("unexpected_outcomes").asInt());
        assertEquals(1794, detail.at("/child/templateCacheHits").asInt());
    }

    @Test
    void theOperatorOnARealServerHasIssue13sTarget() throws Exception {
        BenchResults results = new BenchResults().apiServer("kube-apiserver v1.34.4");
        OperatorBench.Result run = new OperatorBench.Result(1000, 54.222236532, 54.356877791, 54.563700816, JSON.readTree(
                "{\"reconciliations\":2158,\"reconcileErrors\":0,\"warnings\":0,\"rssMiB\":322,\"heapUsedAfterGcMiB\":92}"));
        BenchCommand.operator(run, ClusterBench.RECONCILE_TARGET_SECONDS, List.of("-XX:MaxRAM=512m"), results);
        JsonNode json = JSON.readTree(results.toJson());

        assertEquals(54.564, json.get("reconcile_1000_s").asDouble());
        assertEquals(30, json.at("/targets/reconcile_1000_s/max").asDouble());
        assertEquals("≤ 30", json.at("/targets/reconcile_1000_s/text").asText());
        assertEquals("missed", json.at("/targets/reconcile_1000_s/verdict").asText());
        assertEquals(322, json.get("operator_rss_mib").asDouble());
        assertEquals("missed", json.at("/targets/operator_rss_mib/verdict").asText());
        assertEquals(0, json.get("reconcile_errors").asDouble());
        assertEquals("met", json.at("/targets/reconcile_errors/verdict").asText());
        // the API server sits between the headline figures and the machine
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertEquals(keys.indexOf("machine") - 1, keys.indexOf("apiServer"));
    }

    @Test
    void theSummaryNamesTheApiServer() {
        String markdown = new BenchResults().figure("reconcile_errors", "failed reconciles", 0, 0, "0")
                .apiServer(BenchCommand.MOCK_API_SERVER).machine("nproc", 2).toMarkdown();
        assertTrue(markdown.endsWith("""
                | failed reconciles | `reconcile_errors` | 0 | 0 | met |

                API server of the operator and webhook parts: fabric8-mock
                Machine: nproc 2
                """), markdown);
    }

    @Test
    void aKubeconfigRunsTheTwoPartsThatUseIt() throws Exception {
        assertEquals(Set.of("operator", "webhook"), BenchOptions.parse(new String[] {"--kubeconfig", "/k"}).parts());
        assertEquals(BenchOptions.ALL_PARTS, BenchOptions.parse(new String[0]).parts());
        assertEquals(Set.of("webhook"), BenchOptions.parse(new String[] {"--only", "webhook", "--kubeconfig", "/k"}).parts());
        assertEquals("--clones x: a whole number above 0, e.g. --clones 1000",
                assertThrows(BadBenchInput.class,
                        () -> BenchOptions.parse(new String[] {"--clones", "x"})).getMessage());
        assertEquals("--kubeconfig needs a value: --kubeconfig PATH",
                assertThrows(BadBenchInput.class,
                        () -> BenchOptions.parse(new String[] {"--kubeconfig"})).getMessage());
    }

    @Test
    void theKubeletPartRunsOnlyWhenAskedFor() throws Exception {
        assertFalse(BenchOptions.parse(new String[0]).parts().contains("kubelet"), "a plain vmt bench starts no real node");
        assertEquals(Set.of("kubelet"), BenchOptions.parse(new String[] {"--only", "kubelet"}).parts());
        assertEquals("--only kubelt: no part named kubelt; pick from launcher,vm,pool,pool-cluster,nodes,operator,webhook,kubelet",
                assertThrows(BadBenchInput.class, () -> BenchOptions.parse(new String[] {"--only", "kubelt"})).getMessage());
    }

    @Test
    void kubeletFiguresAreTheMedianOfTheSinglesAndTheSlowestOfTheBurst() throws Exception {
        BenchResults results = new BenchResults().figure("clone_cr_to_running_ms", "clone, CR created → Running (N=1, median of 3)", 412);
        BenchCommand.kubelet(new KubeletBench.Result(63_000, 41_000, List.of(1900L, 1500L, 1700L),
                List.of(2100L, 2600L, 3900L, 2200L, 3100L, 2500L, 2900L, 3300L), List.of(400L, 380L, 390L)), results);
        JsonNode json = JSON.readTree(results.toJson());
        assertEquals(1700, json.get("clone_cr_to_running_ms_kubelet").asDouble());
        assertEquals(3900, json.get("clone_cr_to_running_ms_kubelet_n8_max").asDouble());
        // beside the local node's figure, no target of their own
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("clone_cr_to_running_ms", "clone_cr_to_running_ms_kubelet", "clone_cr_to_running_ms_kubelet_n8_max"),
                keys.subList(0, 3));
        assertFalse(json.at("/targets").has("clone_cr_to_running_ms_kubelet"));
        assertEquals(List.of(1900, 1500, 1700), JSON.convertValue(json.at("/details/kubelet/single_ms"), List.class));
        assertEquals(8, json.at("/details/kubelet/burst_ms").size());
        assertEquals(41_000, json.at("/details/kubelet/template_cr_to_ready_ms").asInt());
        assertTrue(results.toMarkdown().contains("| clone CR created → Running through a real kubelet, slowest of 8 created at once"
                + " | `clone_cr_to_running_ms_kubelet_n8_max` | 3900 |  |  |"), results.toMarkdown());
    }

    /** The run's webhook round: the histograms from the captured scrapes, the client figures from its results.json. */
    private static ApiServerWebhookLoad.Result load() throws Exception {
        String before = PrometheusHistogramTest.capture("before");
        String after = PrometheusHistogramTest.capture("after");
        Map<String, PrometheusHistogram> byWebhook = new LinkedHashMap<>();
        for (String name : List.of("vmtemplates.vmtemplating.io", "vmclones.vmtemplating.io")) {
            byWebhook.put(name, PrometheusHistogram.parse(after, ApiServerWebhookLoad.METRIC, l -> name.equals(l.get("name")))
                    .minus(PrometheusHistogram.parse(before, ApiServerWebhookLoad.METRIC, l -> name.equals(l.get("name")))));
        }
        PrometheusHistogram all = PrometheusHistogram.parse(after, ApiServerWebhookLoad.METRIC, l -> byWebhook.containsKey(l.get("name")))
                .minus(PrometheusHistogram.parse(before, ApiServerWebhookLoad.METRIC, l -> byWebhook.containsKey(l.get("name"))));
        return new ApiServerWebhookLoad.Result(1844, 0, null, 15.077928625, 117.792303, 353.866398,
                List.of(383.065099, 284.963319, 353.866398), all, byWebhook, List.of(before, after));
    }
}
