package io.vmtemplating.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The floor's figures from what hack/apifloor prints, next to the product's claim figures of the same run. */
class ApiFloorBenchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** apifloor's output for claims taking 100, 1, 2, … 49 ms: the first ten (warm-up) are left out. */
    private static String output() {
        return IntStream.range(0, 50).mapToObj(i -> "claim " + i + ": " + (i == 0 ? "100.0" : i + ".5") + " ms")
                .collect(Collectors.joining("\n", "", "\nclaims: 40 measured (the first 10 left out), p50 29.5 ms, p99 49.5 ms, max 49.5 ms\n"));
    }

    @Test
    void theFirstTenAreLeftOutAndThePercentilesAreNearestRankAsThroughoutTheBench() throws Exception {
        ApiFloorBench.Result floor = ApiFloorBench.parse(output());
        assertEquals(40, floor.claimMicros().size());
        assertEquals(10_500, floor.claimMicros().get(0));
        assertEquals(29.5, floor.p50Millis(), 1e-9, "as apifloor's own summary line says");
        assertEquals(49.5, floor.p99Millis(), 1e-9);
    }

    @Test
    void resultsShowTheFloorAndHowFarTheProductsClaimIsAboveIt() throws Exception {
        BenchResults results = new BenchResults();
        results.figure("pool_claim_ms_p50_real_api", "claim p50 (real API server)", 42, 20, "≤ 20");
        BenchCommand.apiFloor(ApiFloorBench.parse(output()), results);
        JsonNode json = JSON.readTree(results.toJson());
        assertEquals(29.5, json.get("pool_claim_floor_ms_p50_real_api").asDouble());
        assertEquals(49.5, json.get("pool_claim_floor_ms_p99_real_api").asDouble());
        assertEquals(12.5, json.get("pool_claim_above_floor_ms_p50_real_api").asDouble());
        assertEquals(40, json.at("/details/api_floor/claim_us").size());
        assertFalse(json.at("/targets").has("pool_claim_floor_ms_p50_real_api"), "the floor is a reference, not a target");
    }

    @Test
    void aFailedRunIsOneLineThatNamesItsLog(@TempDir Path home) throws Exception {
        Path script = home.resolve("hack/apifloor/run.sh");
        Files.createDirectories(script.getParent());
        Files.writeString(script, "echo 'apifloor: cannot read the kubeconfig' >&2; exit 3\n");
        Path log = home.resolve("target/bench/pool-cluster/apifloor.log");
        BadBenchInput e = assertThrows(BadBenchInput.class, () -> ApiFloorBench.run(home, log, new PrintStream(OutputStream.nullOutputStream())));
        assertEquals("--only pool-cluster: hack/apifloor/run.sh failed with exit code 3; the end of " + log + " says why", e.getMessage());
        assertTrue(Files.readString(log).contains("apifloor: cannot read the kubeconfig"));
    }

    @Test
    void outputWithoutClaimsIsOneClearLine() {
        BadBenchInput e = assertThrows(BadBenchInput.class, () -> ApiFloorBench.parse(
                "apifloor: cannot create claim floor-1-0: the server could not find the requested resource\n"));
        assertTrue(e.getMessage().startsWith("hack/apifloor printed no claim after the first 10"), e.getMessage());
        assertTrue(e.getMessage().contains("cannot create claim"), e.getMessage());
    }
}
