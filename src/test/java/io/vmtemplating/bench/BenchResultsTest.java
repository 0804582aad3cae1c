package io.vmtemplating.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchResultsTest {

    @Test
    void percentilesAreNearestRank() {
        long[] samples = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(5, Percentiles.of(samples, 0.50));
        assertEquals(10, Percentiles.of(samples, 0.99));
        assertEquals(1, Percentiles.of(samples, 0.0));
        assertEquals(10, Percentiles.of(samples, 1.0));
        assertEquals(7, Percentiles.of(new long[] {7}, 0.99));
        assertTrue(Double.isNaN(Percentiles.of(new long[0], 0.5)));
        assertEquals(20, Percentiles.median(List.of(30L, 10L, 20L)));
        assertEquals(30, Percentiles.max(List.of(30L, 10L, 20L)));
        assertTrue(Double.isNaN(Percentiles.max(List.<Long>of())));
    }

    @Test
    void markdownHasOneRowPerFigureWithVerdict() {
        BenchResults results = new BenchResults()
                .figure("cold_boot_s", "cold boot", 8.14)
                .figure("webhook_p99_ms", "webhook p99", 12.5, 20, "≤ 20")
                .figure("operator_rss_mib", "operator RSS", 340, 300, "≤ 300")
                .figure("clone_to_cold_ratio", "ratio", 0.0123, 0.04, "≤ 1/25")
                .figure("reconcile_1000_s", "reconcile", Double.NaN, 60, "≤ 60")
                .machine("nproc", 2).machine("accel", "tcg");
        assertEquals("""
                | measure | key | value | target | |
                |---|---|---|---|---|
                | cold boot | `cold_boot_s` | 8.1 |  |  |
                | webhook p99 | `webhook_p99_ms` | 12.5 | ≤ 20 | met |
                | operator RSS | `operator_rss_mib` | 340 | ≤ 300 | missed |
                | ratio | `clone_to_cold_ratio` | 0.012 | ≤ 1/25 | met |
                | reconcile | `reconcile_1000_s` | n/a | ≤ 60 | not measured |

                Machine: nproc 2, accel tcg
                """, results.toMarkdown());
    }

    @Test
    void aFigureIsReadBackByItsKeyAndAnUnmeasuredOneIsNaN() {
        BenchResults results = new BenchResults().figure("cold_boot_s", "cold boot", 5.7).figure("cold_boot_s", "cold boot", 6.1);
        assertEquals(6.1, results.value("cold_boot_s"));
        assertTrue(Double.isNaN(results.value("clone_start_alone_ms")));
    }

    @Test
    void jsonHasHeadlineKeysAtTheTopLevel() throws Exception {
        BenchResults results = new BenchResults()
                .figure("clone_start_ms", "clone start", 151.25)
                .figure("webhook_p99_ms", "webhook p99", 12.34567, 20, "≤ 20")
                .figure("reconcile_1000_s", "reconcile", Double.NaN, 60, "≤ 60")
                .figure("clone_start_ms", "clone start", 150)
                .machine("nproc", 2)
                .detail("rounds", List.of(Map.of("clones", 1)));
        JsonNode json = new ObjectMapper().readTree(results.toJson());
        assertEquals(150.0, json.get("clone_start_ms").asDouble());
        assertEquals(12.346, json.get("webhook_p99_ms").asDouble());
        assertTrue(json.get("reconcile_1000_s").isNull());
        assertEquals(2, json.at("/machine/nproc").asInt());
        assertEquals("met", json.at("/targets/webhook_p99_ms/verdict").asText());
        assertEquals("not measured", json.at("/targets/reconcile_1000_s/verdict").asText());
        assertEquals(1, json.at("/details/rounds/0/clones").asInt());
        assertEquals(List.of("clone_start_ms", "webhook_p99_ms", "reconcile_1000_s", "machine", "targets", "details"),
                iterate(json));
    }

    private static List<String> iterate(JsonNode json) {
        List<String> names = new java.util.ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
