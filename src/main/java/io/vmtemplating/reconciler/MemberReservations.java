package io.vmtemplating.reconciler;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Pool members this operator is handing, or has just handed, to a claim, by pod UID. A claim resumes a member and
 * names it in its status before relabelling it ({@link PoolClaims}), so two claims must never both try one member (the
 * second would resume a guest the first may have asked to keep paused), and the pool must not count or delete a member
 * a claim is taking. The member caches trail the relabel by milliseconds, so a member handed out stays reserved for
 * {@link #KEPT} (long after the caches have dropped it). In memory: one operator replica reconciles at a time; after a
 * restart, the claims' statuses say which members are taken (PoolClaims.CLAIMED_MEMBERS).
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

    /** Whether a claim is taking, or has just taken, this member. */
    boolean held(String podUid) {
        Long at = reservedAtNanos.get(podUid);
        return at != null && nanoTime.getAsLong() - at <= KEPT.toNanos();
    }

    /** The claim did not get the member after all: another claim may try it. */
    void release(String podUid) {
        reservedAtNanos.remove(podUid);
    }
}
