package io.vmtemplating.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The API server's webhook histogram, on the two scrapes of a real `vmt bench --kubeconfig` run (kube-apiserver
 * v1.34.4, 2026-11-30 13:10, the run docs/benchmarks-real-apiserver.md reports): apiserver-metrics-before.txt after the
 * warm-up, -after.txt after the 15 s measured round, as the bench wrote them. Expected values worked out by hand from
 * those files' lines.
 */
class PrometheusHistogramTest {
    private static final Set<String> OURS = Set.of("vmtemplates.vmtemplating.io", "vmclones.vmtemplating.io");

    @Test
    void bucketsAreSummedOverEverySeriesOfOurWebhooks() throws IOException {
        PrometheusHistogram after = ours(capture("after"));
        // le="0.005": vmclones CREATE allowed 415 + denied 4 + vmtemplates CREATE allowed 165 + denied 168 + UPDATE 0
        assertEquals(new PrometheusHistogram.Bucket(0.005, 752), after.buckets().get(0));
        assertEquals(List.of(0.005, 0.025, 0.1, 0.5, 1.0, 2.5, 10.0, 25.0, Double.POSITIVE_INFINITY),
                after.buckets().stream().map(PrometheusHistogram.Bucket::upperBound).toList());
        assertEquals(18969, after.count());
    }

    @Test
    void theMeasuredRoundIsTheDifferenceOfTheTwoScrapes() throws IOException {
        PrometheusHistogram round = ours(capture("after")).minus(ours(capture("before")));
        assertEquals(List.of(51.0, 554.0, 1711.0, 1844.0, 1844.0, 1844.0, 1844.0, 1844.0, 1844.0),
                round.buckets().stream().map(PrometheusHistogram.Bucket::count).toList());
        // the bench's clients sent 1844 dry-run creates in that round: one webhook call each
        assertEquals(1844, round.count());
        assertEquals(554.0 / 1844, round.shareAtOrBelow(0.025), 1e-12);
        // the five _sum lines: 913.8428713070002 s after, 828.3951016609997 s before; 85.4477696… s / 1844
        assertEquals(0.0463383, round.mean(), 1e-7);
    }

    @Test
    void quantilesInterpolateInsideTheirBucketAsHistogramQuantileDoes() throws IOException {
        PrometheusHistogram round = ours(capture("after")).minus(ours(capture("before")));
        // p99: rank 0.99 × 1844 = 1825.56 falls in (0.1, 0.5], which holds 1844 − 1711 = 133;
        // 0.1 + 0.4 × (1825.56 − 1711) / 133 = 0.44454135…
        assertEquals(0.4445414, round.quantile(0.99), 1e-7);
        // p50: rank 922 in (0.025, 0.1], holding 1711 − 554 = 1157: 0.025 + 0.075 × 368 / 1157 = 0.04885479…
        assertEquals(0.0488548, round.quantile(0.5), 1e-7);
        // p1: rank 18.44 in the first bucket, which starts at 0: 0.005 × 18.44 / 51
        assertEquals(0.005 * 18.44 / 51, round.quantile(0.01), 1e-12);
        // every observation is ≤ 0.5 s: q = 1 lands on that bucket's upper bound, not on +Inf
        assertEquals(0.5, round.quantile(1.0), 1e-12);
    }

    @Test
    void oneWebhookAloneIsItsOwnSeries() throws IOException {
        PrometheusHistogram clones = PrometheusHistogram.parse(capture("after"), ApiServerWebhookLoad.METRIC,
                labels -> "vmclones.vmtemplating.io".equals(labels.get("name")))
                .minus(PrometheusHistogram.parse(capture("before"), ApiServerWebhookLoad.METRIC,
                        labels -> "vmclones.vmtemplating.io".equals(labels.get("name"))));
        assertEquals(616, clones.count());
        assertEquals(23, clones.buckets().get(0).count());
    }

    @Test
    void noMatchingSeriesIsNoObservationNotAnError() throws IOException {
        PrometheusHistogram none = PrometheusHistogram.parse(capture("after"), ApiServerWebhookLoad.METRIC,
                labels -> "pods.example.io".equals(labels.get("name")));
        assertTrue(none.buckets().isEmpty());
        assertEquals(0, none.count());
        assertTrue(Double.isNaN(none.quantile(0.99)));
        assertTrue(Double.isNaN(none.mean()));
        // and the first scrape of a fresh API server, before any webhook call, has no series either
        assertEquals(1844, ours(capture("after")).minus(ours(capture("before"))).minus(none).count());
    }

    @Test
    void countsGoingDownMeanTheServerRestartedBetweenTheScrapes() throws IOException {
        PrometheusHistogram before = ours(capture("before"));
        PrometheusHistogram after = ours(capture("after"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> before.minus(after));
        assertTrue(e.getMessage().contains("restart"), e.getMessage());
    }

    private static PrometheusHistogram ours(String text) {
        return PrometheusHistogram.parse(text, ApiServerWebhookLoad.METRIC, labels -> OURS.contains(labels.get("name")));
    }

    static String capture(String which) throws IOException {
        try (InputStream in = PrometheusHistogramTest.class.getResourceAsStream("apiserver-metrics-" + which + ".txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
