package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When a status write shows that the spec moved on while the reconcile ran (JOSDK 5.3.2 drops that event). */
class StatusWriteTest {

    @Test
    void aWriteShowingANewerGenerationAsksForAnotherReconcile() {
        // a `kubectl scale` committed between our read (generation 1) and our status write
        assertTrue(StatusWrite.specMovedOn(1L, 2L));
    }

    @Test
    void aWriteOfTheGenerationReadNeedsNothingMore() {
        assertFalse(StatusWrite.specMovedOn(3L, 3L));
    }

    @Test
    void anObjectWithoutGenerationsNeverLoops() {
        assertFalse(StatusWrite.specMovedOn(null, 2L));
        assertFalse(StatusWrite.specMovedOn(2L, null));
    }
}
