package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One member, one claim: the reservation a claim takes before it resumes a member. */
class MemberReservationsTest {
    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final MemberReservations reservations = new MemberReservations(now::get);

    @Test
    void aReservedMemberIsNotTakenByASecondClaim() {
        assertTrue(reservations.reserve("uid-1"));
        assertFalse(reservations.reserve("uid-1"));
        assertTrue(reservations.reserve("uid-2"), "another member is free");
    }

    @Test
    void aReleasedMemberCanBeTakenAgain() {
        assertTrue(reservations.reserve("uid-1"));
        reservations.release("uid-1");
        assertTrue(reservations.reserve("uid-1"));
    }

    @Test
    void aHandedOutMemberStaysReservedWhileTheCacheMayStillListIt() {
        assertTrue(reservations.reserve("uid-1"));
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertFalse(reservations.reserve("uid-1"));
        now.addAndGet(MemberReservations.KEPT.toNanos());
        assertTrue(reservations.reserve("uid-1"), "forgotten once no cache can hold the old member any more");
    }

    @Test
    void aMemberIsHeldFromItsReservationUntilReleasedOrForgotten() {
        assertFalse(reservations.held("uid-1"));
        reservations.reserve("uid-1");
        assertTrue(reservations.held("uid-1"), "the pool leaves it alone while a claim takes it");
        reservations.release("uid-1");
        assertFalse(reservations.held("uid-1"));
        reservations.reserve("uid-1");
        now.addAndGet(MemberReservations.KEPT.toNanos() + 1);
        assertFalse(reservations.held("uid-1"), "relabelled long since: the pool's cache no longer lists it");
    }
}
