package io.vmtemplating.webhook;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * freeze.migrationCapabilities: an allow-list. The template's state is saved from a stopped VM to a file:
 * URI with x-ignore-shared (RAM stays in the memory file), and each clone sets the same capabilities on its
 * incoming side. Capability names are QEMU 10's {@code query-migrate-capabilities} output.
 */
final class MigrationCapabilityRule {

    /** QMP events and a UUID check on restore; QEMU 10.0.2 saves and restores (x-ignore-shared, file:) with both on. */
    static final Set<String> ALLOWED = Set.of("events", "validate-uuid");

    private static final String DISCARDS_RAM = " discards RAM after sending it, which would punch holes"
            + " into the template's memory file; remove it";
    private static final String POSTCOPY = " needs guest RAM in the migration stream (QEMU: Postcopy is not"
            + " compatible with ignore-shared); remove it";

    private static final Map<String, String> REFUSED = Map.of(
            "release-ram", "release-ram" + DISCARDS_RAM,
            "x-release-ram", "x-release-ram" + DISCARDS_RAM + " (QEMU 10 calls it release-ram)",
            "postcopy-ram", "postcopy-ram" + POSTCOPY,
            "postcopy-preempt", "postcopy-preempt" + POSTCOPY,
            "postcopy-blocktime", "postcopy-blocktime" + POSTCOPY,
            "x-ignore-shared", "x-ignore-shared is always on for the state save; remove it");

    /** QEMU 10 capabilities for live migration, RAM transfer or block migration: nothing to do for a stopped VM whose RAM is not saved. */
    private static final Set<String> USELESS = Set.of(
            "xbzrle", "rdma-pin-all", "auto-converge", "zero-blocks", "x-colo", "return-path",
            "pause-before-switchover", "multifd", "dirty-bitmaps", "late-block-activate", "background-snapshot",
            "zero-copy-send", "switchover-ack", "dirty-limit", "mapped-ram");

    private MigrationCapabilityRule() {
    }

    static void check(List<String> capabilities, String path, Violations out) {
        if (capabilities == null) {
            return;
        }
        for (int i = 0; i < capabilities.size(); i++) {
            String at = path + "[" + i + "]";
            String capability = capabilities.get(i);
            if (capability == null) {
                out.add(at, "empty entry; remove it");
            } else if (REFUSED.containsKey(capability)) {
                out.add(at, REFUSED.get(capability));
            } else if (USELESS.contains(capability)) {
                out.add(at, capability + " is for live migration or for saving RAM, but the template's state is"
                        + " saved from a stopped VM with its RAM left in the memory file (x-ignore-shared); remove it"
                        + " (allowed: " + allowedList() + ")");
            } else if (!ALLOWED.contains(capability)) {
                out.add(at, "\"" + capability + "\" is not a QEMU 10 migration capability this operator"
                        + " allows; use one of " + allowedList() + " or remove it");
            }
        }
    }

    private static String allowedList() {
        return String.join(", ", ALLOWED.stream().sorted().toList());
    }
}
