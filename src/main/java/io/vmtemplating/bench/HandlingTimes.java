package io.vmtemplating.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * How long the bench's webhook took per request, from its handler's start to the answer written: what the webhook
 * itself costs, beside what the API server measures of the whole call (TLS, its own waiting for a core). Since the
 * last {@link #clear}, so that a round can be measured alone.
 */
final class HandlingTimes {
    private long[] nanos = new long[1 << 14];
    private int count;

    synchronized void add(long took) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = took;
    }

    synchronized void clear() {
        count = 0;
    }

    /** {@code "handled":N,"handlingP50Ms":…,"handlingP99Ms":…,"handlingMaxMs":…}, a fragment of the child's report. */
    synchronized String json() {
        long[] sorted = Percentiles.sorted(Arrays.copyOf(nanos, count));
        return String.format(Locale.ROOT, "\"handled\":%d,\"handlingP50Ms\":%.3f,\"handlingP99Ms\":%.3f,\"handlingMaxMs\":%.3f",
                count, Percentiles.of(sorted, 0.5) / 1e6, Percentiles.of(sorted, 0.99) / 1e6, Percentiles.of(sorted, 1.0) / 1e6);
    }
}
