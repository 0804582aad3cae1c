package io.vmtemplating.qemu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtemplating.qemu.GuestWarmUp.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a warming-up member's guest counts as idle: QEMU's CPU over the last 100 ms of wall time. */
class GuestWarmUpTest {
    private static final long MS = 1_000_000L;

    private static Sample at(long millis, long cpuMillis) {
        return new Sample(millis * MS, cpuMillis * MS);
    }

    @Test
    void aGuestStillFinishingWhatItWasDoingIsNotIdle() {
        // a freshly resumed guest: a core's worth of CPU while it translates its code afresh
        assertFalse(GuestWarmUp.idle(List.of(at(0, 0), at(50, 40), at(100, 90), at(150, 130))));
    }

    @Test
    void aGuestThatUsedAtMostATenthOfACpuOverTheLastWindowIsIdle() {
        assertTrue(GuestWarmUp.idle(List.of(at(0, 0), at(50, 40), at(100, 80), at(150, 90), at(200, 90))));
        assertTrue(GuestWarmUp.idle(List.of(at(0, 0), at(50, 10), at(100, 10))), "one 10 ms tick in 100 ms");
    }

    @Test
    void oneQuietSampleIsNotAWindow() {
        assertFalse(GuestWarmUp.idle(List.of(at(0, 0), at(50, 0))), "50 ms say too little");
        assertFalse(GuestWarmUp.idle(List.of(at(0, 0), at(50, 60), at(100, 60))),
                "quiet for 50 ms after a busy start: the 100 ms window still holds the busy part");
    }
}
