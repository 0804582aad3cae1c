package io.vmtemplating.qemu;

/**
 * @param checkMillis   metadata and file checks before QEMU starts
 * @param startMillis   QEMU process start until QMP answered
 * @param loadMillis    migrate-incoming until the state was loaded
 * @param restoreMillis the whole restore, checks to running guest
 */
public record RestoreTimings(long checkMillis, long startMillis, long loadMillis, long restoreMillis) {
}
