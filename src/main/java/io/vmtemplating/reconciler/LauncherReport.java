package io.vmtemplating.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * What a clone's launcher last said on /status: its state ("restoring", "running", "paused", …), the restore time
 * and QEMU's memory in MiB (null until the launcher measured it). A value: the event source compares reports and
 * wakes the clone's reconcile only when one differs.
 */
record LauncherReport(String state, Long restoreMillis, Memory memory, ClaimData claimData) {

    /** The split figures are null from a launcher that does not report them (an older one during an upgrade). */
    record Memory(long rssMiB, long pssMiB, long privateMiB, long sharedWithTemplateMiB, Long guestPrivateMiB,
            Long qemuOverheadMiB, Long launcherRssMiB) {
        Memory(long rssMiB, long pssMiB, long privateMiB, long sharedWithTemplateMiB) {
            this(rssMiB, pssMiB, privateMiB, sharedWithTemplateMiB, null, null, null);
        }
    }

    /** The launcher's last POST /claim-data: for which clone uid, delivered or failed (with the agent's words). */
    record ClaimData(String uid, boolean delivered, int files, long millis, String secretResourceVersion, String error) {
    }

    LauncherReport(String state, Long restoreMillis, Memory memory) {
        this(state, restoreMillis, memory, null);
    }

    static LauncherReport of(JsonNode status) {
        JsonNode memory = status.path("memory");
        return new LauncherReport(status.path("state").asText(),
                // -1 until the restore ended: a report read before then (the pod Ready first) has no restore time yet
                status.hasNonNull("restoreMillis") && status.get("restoreMillis").asLong() >= 0 ? status.get("restoreMillis").asLong() : null,
                memory.isMissingNode() || memory.isNull() ? null : new Memory(memory.path("rssMiB").asLong(),
                        memory.path("pssMiB").asLong(), memory.path("privateMiB").asLong(), memory.path("sharedWithTemplateMiB").asLong(),
                        mebibytes(memory, "guestPrivateMiB"), mebibytes(memory, "qemuOverheadMiB"), mebibytes(memory, "launcherRssMiB")),
                claimData(status.path("claimData")));
    }

    private static Long mebibytes(JsonNode memory, String field) {
        return memory.path(field).isNumber() ? memory.path(field).asLong() : null;
    }

    private static ClaimData claimData(JsonNode claimData) {
        if (!claimData.isObject()) {
            return null;
        }
        return new ClaimData(claimData.path("uid").asText(), "delivered".equals(claimData.path("state").asText()),
                claimData.path("files").asInt(), claimData.path("millis").asLong(),
                claimData.path("secretResourceVersion").isTextual() ? claimData.path("secretResourceVersion").asText() : null,
                claimData.path("error").isTextual() ? claimData.path("error").asText() : null);
    }

    /** POST /claim-data's answer body (the launcher's delivery record), as the claim data of a report. */
    static Optional<ClaimData> claimDataAnswer(String body) {
        try {
            return Optional.ofNullable(claimData(new com.fasterxml.jackson.databind.ObjectMapper().readTree(body)))
                    .filter(c -> !c.uid().isEmpty());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Optional.empty();
        }
    }

    LauncherReport withClaimData(ClaimData delivered) {
        return new LauncherReport(state, restoreMillis, memory, delivered);
    }

    /** What the launcher last delivered to this clone's guest, if anything. */
    Optional<ClaimData> claimDataFor(String cloneUid) {
        return Optional.ofNullable(claimData).filter(c -> c.uid().equals(cloneUid));
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
