package io.vmtemplating.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * What a clone's launcher last said on /status: its state ("restoring", "running", "paused", …), the restore time
 * and QEMU's memory in MiB (null until the launcher measured it). A value: the event source compares reports and
 * wakes the clone's reconcile only when one differs.
 */
record LauncherReport(String state, Long restoreMillis, Memory memory) {

    record Memory(long rssMiB, long pssMiB, long privateMiB, long sharedWithTemplateMiB) {
    }

    static LauncherReport of(JsonNode status) {
        JsonNode memory = status.path("memory");
        return new LauncherReport(status.path("state").asText(),
                // -1 until the restore ended: a report read before then (the pod Ready first) has no restore time yet
                status.hasNonNull("restoreMillis") && status.get("restoreMillis").asLong() >= 0 ? status.get("restoreMillis").asLong() : null,
                memory.isMissingNode() || memory.isNull() ? null : new Memory(memory.path("rssMiB").asLong(),
                        memory.path("pssMiB").asLong(), memory.path("privateMiB").asLong(), memory.path("sharedWithTemplateMiB").asLong()));
    }

    boolean paused() {
        return "paused".equals(state);
    }

    /** The launcher has restored the guest (running or paused), whatever the pod's readiness says yet. */
    boolean restored() {
        return "running".equals(state) || "paused".equals(state);
    }

    Optional<Long> restoreMillisReported() {
        return Optional.ofNullable(restoreMillis);
    }
}
