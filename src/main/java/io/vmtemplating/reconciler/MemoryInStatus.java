package io.vmtemplating.reconciler;

import io.vmtemplating.api.v1alpha1.types.CloneMemoryFigures;
import java.time.Duration;
import java.time.Instant;

/**
 * When a clone's memory figures go into its status. Status is for what users act on; the launcher's /metrics has
 * the figures of every moment. A user sizes {@code spec.memory.expectedPrivate} from {@code privateMiB} (the guest's share
 * of it in {@code guestPrivateMiB}) and sees sharing in {@code sharedWithTemplateMiB}: those are written when they moved by a step that matters, and all
 * figures every {@link #REFRESH} otherwise (a status that says how old its figures are must not grow too old). Before, every status refresh (30 s) patched fresh figures and a
 * fresh {@code updatedAt}: 120 writes per clone per hour, each one kept in etcd's history.
 */
final class MemoryInStatus {
    /** The coarse cadence: figures older than this are replaced by the next measurement. */
    static final Duration REFRESH = Duration.ofMinutes(15);
    /** A move of private or shared memory by this much is written at once; by a quarter for small figures, ... */
    static final long STEP_MIB = 64;
    /** ... but never for less than this. */
    static final long MIN_STEP_MIB = 16;

    private MemoryInStatus() {
    }

    /** The figures for the next status: {@code previous} unless the measurement is worth a write. */
    static CloneMemoryFigures next(CloneMemoryFigures previous, LauncherReport.Memory measured, Instant now) {
        if (measured == null) {
            return previous;
        }
        CloneMemoryFigures fresh = new CloneMemoryFigures(measured.rssMiB(), measured.pssMiB(), measured.privateMiB(),
                measured.sharedWithTemplateMiB(), measured.guestPrivateMiB(), measured.qemuOverheadMiB(), measured.launcherRssMiB(),
                now.toString());
        if (previous == null || previous.updatedAt() == null) {
            return fresh;
        }
        boolean old = !Instant.parse(previous.updatedAt()).plus(REFRESH).isAfter(now);
        return old || moved(previous.privateMiB(), measured.privateMiB())
                || moved(previous.sharedWithTemplateMiB(), measured.sharedWithTemplateMiB()) ? fresh : previous;
    }

    // the guest's copies are part of privateMiB: a move of theirs that matters moves privateMiB too
    private static boolean moved(Long before, long after) {
        if (before == null) {
            return true;
        }
        return Math.abs(after - before) >= Math.max(MIN_STEP_MIB, Math.min(STEP_MIB, before / 4));
    }
}
