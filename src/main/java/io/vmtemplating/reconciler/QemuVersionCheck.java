package io.vmtemplating.reconciler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Pure: which Ready copies of a template froze with another QEMU version than the rest. A migration stream loads only
 * into the QEMU that saved it, so every copy of a template must be the same QEMU for its clones to behave the same on
 * every node; nodes running another QEMU (another image, an upgrade half done) are marked, not used. The version
 * most copies froze with is the template's; on a tie, the one of the lowest-numbered copy (copy 0 first), so the
 * answer does not depend on which build finished first.
 */
final class QemuVersionCheck {
    private QemuVersionCheck() {
    }

    /** @param readyVersions the QEMU version of each Ready copy, by copy number (null: not recorded) */
    static Optional<String> templateVersion(Map<Integer, String> readyVersions) {
        Map<String, Long> counts = readyVersions.entrySet().stream().filter(e -> e.getValue() != null)
                .sorted(Map.Entry.comparingByKey())
                .collect(Collectors.groupingBy(Map.Entry::getValue, LinkedHashMap::new, Collectors.counting()));
        long most = counts.values().stream().mapToLong(Long::longValue).max().orElse(0);
        // in copy order: the first version with the most copies
        return counts.entrySet().stream().filter(e -> e.getValue() == most).map(Map.Entry::getKey).findFirst();
    }

    /** The copies whose version differs from the template's. */
    static List<Integer> mismatched(Map<Integer, String> readyVersions) {
        Optional<String> version = templateVersion(readyVersions);
        return readyVersions.entrySet().stream()
                .filter(e -> e.getValue() != null && version.isPresent() && !version.get().equals(e.getValue()))
                .map(Map.Entry::getKey).sorted().toList();
    }
}
