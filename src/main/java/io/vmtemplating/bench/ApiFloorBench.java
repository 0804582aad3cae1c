package io.vmtemplating.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real API server's floor for a claim, measured right after the pool part's real-API run so the two figures share
 * the machine's hour (it moves them by up to 2×, docs/pools.md): hack/apifloor/run.sh, a control plane of its own with
 * no operator, webhook or node, where a client-go stand-in for the operator writes each new VmClone's status Running
 * and a client-go clock times created → Running through the watch, as PoolBench does for the product.
 */
final class ApiFloorBench {
    /** The first claims, left out as the product's first claim is: clients and server warm up. */
    static final int SKIPPED = 10;
    static final int CLAIMS = 50;
    private static final Pattern CLAIM = Pattern.compile("(?m)^claim (\\d+): (\\d+(?:\\.\\d+)?) ms$");

    /** @param claimMicros each measured claim (the first {@link #SKIPPED} left out), created → Running, µs */
    record Result(List<Long> claimMicros) {
        double p50Millis() {
            return millisAt(0.5);
        }

        double p99Millis() {
            return millisAt(0.99);
        }

        private double millisAt(double quantile) {
            return Percentiles.of(Percentiles.sorted(claimMicros.stream().mapToLong(Long::longValue).toArray()), quantile) / 1000;
        }
    }

    private ApiFloorBench() {
    }

    static Result run(Path home, Path log, PrintStream err) throws Exception {
        err.println("vmt bench: " + BenchOptions.POOL_REAL_API + ": the API server's floor for a claim (hack/apifloor/run.sh) ...");
        try (Teardown teardown = new Teardown(err)) {
            String out = new BenchScript(home, log, BenchOptions.POOL_REAL_API).run("hack/apifloor/run.sh",
                    List.of("-count", Integer.toString(CLAIMS), "-skip", Integer.toString(SKIPPED)), Map.of(), "", "", teardown);
            Result result = parse(out);
            err.printf("pool: the API server alone (client-go operator stand-in and clock), created → Running p50 %.1f ms, p99 %.1f ms%n",
                    result.p50Millis(), result.p99Millis());
            return result;
        }
    }

    /** The claims apifloor printed, the first {@link #SKIPPED} left out. */
    static Result parse(String out) throws BadBenchInput {
        Matcher claim = CLAIM.matcher(out);
        List<Long> micros = claim.results().filter(m -> Integer.parseInt(m.group(1)) >= SKIPPED)
                .map(m -> Math.round(Double.parseDouble(m.group(2)) * 1000)).toList();
        if (micros.isEmpty()) {
            throw new BadBenchInput("hack/apifloor printed no claim after the first " + SKIPPED + " (lines \"claim N: T ms\"); it printed: "
                    + out.strip());
        }
        return new Result(micros);
    }
}
