package io.vmtemplating.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * One histogram read from Prometheus' text format (the API server's /metrics): cumulative bucket counts by upper
 * bound, summed over the series a label filter keeps. The difference of two scrapes is what was observed between
 * them; {@link #quantile} is Prometheus' {@code histogram_quantile}.
 *
 * @param buckets ascending by upper bound, the last one +Inf; empty when no series matched
 * @param sum     the sum of all observations ({@code _sum}), for an exact mean beside the interpolated quantiles
 */
record PrometheusHistogram(List<Bucket> buckets, double sum) {

    /** Observations at or below {@code upperBound}, cumulative as in the {@code le} label. */
    record Bucket(double upperBound, double count) {
    }

    PrometheusHistogram {
        buckets = List.copyOf(buckets);
    }

    /**
     * @param metric the histogram's name without {@code _bucket}
     * @param labels which series to add up (their labels without {@code le})
     */
    static PrometheusHistogram parse(String metricsText, String metric, Predicate<Map<String, String>> labels) {
        String bucketPrefix = metric + "_bucket{";
        String sumPrefix = metric + "_sum{";
        TreeMap<Double, Double> counts = new TreeMap<>();
        double sum = 0;
        for (String line : metricsText.split("\n")) {
            boolean bucket = line.startsWith(bucketPrefix);
            if (!bucket && !line.startsWith(sumPrefix)) {
                continue;
            }
            int close = line.lastIndexOf('}');
            Map<String, String> series = labels(line.substring((bucket ? bucketPrefix : sumPrefix).length(), close));
            String le = series.remove("le");
            if (!labels.test(series)) {
                continue;
            }
            // "value [timestamp]" after the labels
            double value = number(line.substring(close + 1).trim().split("\\s+")[0]);
            if (!bucket) {
                sum += value;
            } else if (le != null) {
                counts.merge(number(le), value, Double::sum);
            }
        }
        List<Bucket> buckets = new ArrayList<>();
        counts.forEach((bound, count) -> buckets.add(new Bucket(bound, count)));
        return new PrometheusHistogram(buckets, sum);
    }

    /** What was observed after {@code earlier}: bucket by bucket, a bucket missing there counting zero. */
    PrometheusHistogram minus(PrometheusHistogram earlier) {
        Map<Double, Double> before = new HashMap<>();
        earlier.buckets.forEach(b -> before.put(b.upperBound(), b.count()));
        List<Bucket> difference = new ArrayList<>();
        for (Bucket bucket : buckets) {
            double count = bucket.count() - before.getOrDefault(bucket.upperBound(), 0.0);
            if (count < 0) {
                // a counter only goes down when its process restarted between the two scrapes
                throw new IllegalStateException("the API server's histogram went down between two scrapes (le="
                        + bucket.upperBound() + "): did it restart during the bench?");
            }
            difference.add(new Bucket(bucket.upperBound(), count));
        }
        return new PrometheusHistogram(difference, sum - earlier.sum);
    }

    /** The mean observation, exact (from {@code _sum}); NaN without observations. */
    double mean() {
        return count() == 0 ? Double.NaN : sum / count();
    }

    /** All observations: the +Inf bucket's count (0 when there are none). */
    double count() {
        return buckets.isEmpty() ? 0 : buckets.get(buckets.size() - 1).count();
    }

    /** Observations at or below {@code upperBound} (a bucket boundary), as a share of all; NaN without observations. */
    double shareAtOrBelow(double upperBound) {
        if (count() == 0) {
            return Double.NaN;
        }
        for (Bucket bucket : buckets) {
            if (bucket.upperBound() == upperBound) {
                return bucket.count() / count();
            }
        }
        throw new IllegalArgumentException("no bucket with le=" + upperBound);
    }

    /**
     * Prometheus' histogram_quantile (promql/quantile.go, bucketQuantile): the rank {@code q * count} is found in the
     * first bucket whose cumulative count reaches it, and placed inside that bucket by linear interpolation, as if its
     * observations were spread evenly between the bucket's bounds (the first bucket starts at 0). A rank in the +Inf
     * bucket gives the highest finite bound. NaN without observations.
     */
    double quantile(double q) {
        if (buckets.size() < 2 || count() == 0 || Double.isNaN(q)) {
            return Double.NaN;
        }
        if (!Double.isInfinite(buckets.get(buckets.size() - 1).upperBound())) {
            return Double.NaN; // not a whole histogram: the +Inf bucket holds the total
        }
        double rank = q * count();
        int b = 0;
        while (b < buckets.size() - 1 && buckets.get(b).count() < rank) {
            b++;
        }
        if (b == buckets.size() - 1) {
            return buckets.get(b - 1).upperBound();
        }
        if (b == 0 && buckets.get(0).upperBound() <= 0) {
            return buckets.get(0).upperBound();
        }
        double start = 0;
        double end = buckets.get(b).upperBound();
        double inBucket = buckets.get(b).count();
        if (b > 0) {
            start = buckets.get(b - 1).upperBound();
            inBucket -= buckets.get(b - 1).count();
            rank -= buckets.get(b - 1).count();
        }
        return start + (end - start) * (rank / inBucket);
    }

    /** {@code name="value",…}: the text format escapes \\, \" and \n inside values. */
    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new HashMap<>();
        int i = 0;
        while (i < text.length()) {
            int equals = text.indexOf('=', i);
            String name = text.substring(i, equals).trim();
            StringBuilder value = new StringBuilder();
            int j = equals + 2; // past ="
            for (; text.charAt(j) != '"'; j++) {
                char c = text.charAt(j);
                if (c == '\\') {
                    char escaped = text.charAt(++j);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else {
                    value.append(c);
                }
            }
            labels.put(name, value.toString());
            i = j + 1;
            while (i < text.length() && (text.charAt(i) == ',' || text.charAt(i) == ' ')) {
                i++;
            }
        }
        return labels;
    }

    private static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }
}
