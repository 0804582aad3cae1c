package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A pool's refill waits a moment after each claim, and only that pool's. */
class RecentClaimsTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RecentClaims claims = new RecentClaims(now::get);
    private final ResourceID pool = new ResourceID("warm", "team-a");

    @Test
    void aPoolWithoutClaimsRefillsAtOnce() {
        assertEquals(Duration.ZERO, claims.refillHold(pool));
    }

    @Test
    void theRefillWaitsUntilTheLastClaimIsOldEnough() {
        claims.claimed(pool);
        assertEquals(RecentClaims.REFILL_HOLD, claims.refillHold(pool));
        now.addAndGet(Duration.ofMillis(300).toNanos());
        assertEquals(RecentClaims.REFILL_HOLD.minusMillis(300), claims.refillHold(pool));
        claims.claimed(pool); // a burst: the hold runs from its last claim
        now.addAndGet(Duration.ofMillis(300).toNanos());
        assertEquals(RecentClaims.REFILL_HOLD.minusMillis(300), claims.refillHold(pool));
        now.addAndGet(RecentClaims.REFILL_HOLD.toNanos());
        assertEquals(Duration.ZERO, claims.refillHold(pool));
    }

    @Test
    void anotherPoolIsNotHeld() {
        claims.claimed(pool);
        assertEquals(Duration.ZERO, claims.refillHold(new ResourceID("warm", "team-b")));
        assertEquals(Duration.ZERO, claims.refillHold(new ResourceID("other", "team-a")));
    }
}
