package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmtemplating.api.v1alpha1.types.CloneMemoryFigures;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When a measurement replaces a clone's memory figures in its status. */
class MemoryInStatusTest {
    private static final Instant WRITTEN = Instant.parse("2026-01-01T10:00:00Z");

    private static CloneMemoryFigures inStatus(long privateMiB, long sharedMiB) {
        return new CloneMemoryFigures(privateMiB + 30, privateMiB + 10, privateMiB, sharedMiB, 2L, 28L, 40L,
                WRITTEN.toString());
    }

    private static boolean written(CloneMemoryFigures previous, long privateMiB, long sharedMiB, long minutesLater) {
        CloneMemoryFigures next = MemoryInStatus.next(previous,
                new LauncherReport.Memory(privateMiB + 30, privateMiB + 10, privateMiB, sharedMiB, 2L, 28L, 40L),
                WRITTEN.plusSeconds(minutesLater * 60));
        return next != previous;
    }

    @Test
    void table() {
        assertEquals(true, written(null, 30, 25, 0), "first figures");
        assertEquals(false, written(inStatus(300, 25), 363, 25, 14), "private +63 MiB");
        assertEquals(true, written(inStatus(300, 25), 364, 25, 1), "private +64 MiB");
        assertEquals(true, written(inStatus(300, 25), 236, 25, 1), "private -64 MiB");
        assertEquals(false, written(inStatus(30, 25), 45, 25, 1), "small clone: +15 MiB is under the 16 MiB floor");
        assertEquals(true, written(inStatus(30, 25), 46, 25, 1), "small clone: +16 MiB");
        assertEquals(true, written(inStatus(100, 25), 125, 25, 1), "a quarter of 100 MiB");
        assertEquals(false, written(inStatus(100, 25), 124, 25, 1), "under a quarter of 100 MiB");
        assertEquals(true, written(inStatus(300, 200), 300, 120, 1), "shared with the template -80 MiB");
        assertEquals(true, written(inStatus(300, 25), 301, 25, 15), "15 min old: refreshed");
        assertEquals(false, written(inStatus(300, 25), 300, 25, 0), "nothing moved");
        assertEquals(null, MemoryInStatus.next(null, null, WRITTEN), "no measurement, nothing to write");
    }

    @Test
    void theSplitGoesIntoStatusWithTheTotals() {
        CloneMemoryFigures written = MemoryInStatus.next(null, new LauncherReport.Memory(80, 60, 50, 200, 20L, 30L, 41L), WRITTEN);
        assertEquals(new CloneMemoryFigures(80L, 60L, 50L, 200L, 20L, 30L, 41L, WRITTEN.toString()), written);
    }

    @Test
    void anOlderLaunchersReportWithoutTheSplitLeavesItOut() {
        LauncherReport report = LauncherReport.of(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("state", "running").set("memory", new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                        .put("rssMiB", 80).put("pssMiB", 60).put("privateMiB", 50).put("sharedWithTemplateMiB", 200)));
        CloneMemoryFigures written = MemoryInStatus.next(null, report.memory(), WRITTEN);
        assertEquals(new CloneMemoryFigures(80L, 60L, 50L, 200L, null, null, null, WRITTEN.toString()), written);
    }
}
