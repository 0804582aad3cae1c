package io.vmtemplating.reconciler;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Pool members this operator is handing, or has just handed, to a claim, by pod UID. A claim sends the member's
 * resume while its relabel is written ({@link PoolClaims}), so two claims must never both try one member: the
 * resume of the one that loses the relabel would run the other's guest, which may have asked to stay paused. The
 * member cache trails the relabel by milliseconds, so a member handed out stays reserved for {@link #KEPT} (long
 * after the cache has dropped it). In memory: one operator replica reconciles at a time.
 */
final class MemberReservations {
    static final Duration KEPT = Duration.ofMinutes(1);

    private final Map<String, Long> reservedAtNanos = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    MemberReservations() {
        this(System::nanoTime);
    }

    MemberReservations(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** True for the one caller that gets the member; false while another claim holds it. */
    boolean reserve(String podUid) {
        long now = nanoTime.getAsLong();
        reservedAtNanos.values().removeIf(at -> now - at > KEPT.toNanos());
        return reservedAtNanos.putIfAbsent(podUid, now) == null;
    }

    /** The claim did not get the member after all: another claim may try it. */
    void release(String podUid) {
        reservedAtNanos.remove(podUid);
    }
}
