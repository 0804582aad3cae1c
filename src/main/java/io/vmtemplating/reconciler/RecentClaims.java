package io.vmtemplating.reconciler;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * When each pool last handed a member to a claim, so that the pool holds its refill back for {@link #REFILL_HOLD}
 * after: a new member is a pod to write, a JVM to start and a restore — on a 2-core node ~200 ms of both cores, right
 * when the claim's status write and its guest's first moments need them (the refill started by the member's relabel
 * made a claim's status write 11–177 ms on the real API server). A burst of claims refills once, after its last claim.
 * Also the members being handed to claims ({@link #members()}): the pool reconciler leaves them alone. In memory: one
 * operator replica reconciles at a time, and a restarted one refills at once.
 */
@Singleton
public class RecentClaims {
    static final Duration REFILL_HOLD = Duration.ofMillis(500);

    private final Map<ResourceID, Long> lastClaimNanos = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private final MemberReservations members;

    public RecentClaims() {
        this(System::nanoTime);
    }

    RecentClaims(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.members = new MemberReservations(nanoTime);
    }

    /** The members claims are taking or have just taken, by pod UID: no longer the pool's to count or delete. */
    MemberReservations members() {
        return members;
    }

    void claimed(ResourceID pool) {
        lastClaimNanos.put(pool, nanoTime.getAsLong());
    }

    /** How much longer the pool's refill waits: zero when its last claim is {@link #REFILL_HOLD} old or older. */
    Duration refillHold(ResourceID pool) {
        Long last = lastClaimNanos.get(pool);
        if (last == null) {
            return Duration.ZERO;
        }
        long left = REFILL_HOLD.toNanos() - (nanoTime.getAsLong() - last);
        if (left <= 0) {
            lastClaimNanos.remove(pool, last);
            return Duration.ZERO;
        }
        return Duration.ofNanos(left);
    }
}
