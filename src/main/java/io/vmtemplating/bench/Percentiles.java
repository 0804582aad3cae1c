package io.vmtemplating.bench;

import java.util.Arrays;
import java.util.List;

/** Nearest-rank percentiles: the smallest sample with at least q of all samples at or below it. */
public final class Percentiles {
    private Percentiles() {
    }

    /** @param sorted ascending samples; NaN when there are none */
    public static double of(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    public static double median(List<? extends Number> samples) {
        return of(samples.stream().mapToLong(Number::longValue).sorted().toArray(), 0.5);
    }

    public static double max(List<? extends Number> samples) {
        return samples.stream().mapToLong(Number::longValue).max().stream().mapToDouble(v -> v).findFirst().orElse(Double.NaN);
    }

    static long[] sorted(long[] samples) {
        long[] copy = samples.clone();
        Arrays.sort(copy);
        return copy;
    }
}
