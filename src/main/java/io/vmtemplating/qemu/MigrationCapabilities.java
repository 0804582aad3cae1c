package io.vmtemplating.qemu;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The capability list for migrate-set-capabilities: x-ignore-shared plus the allowed extras, on both sides. */
final class MigrationCapabilities {
    /** Both discard RAM, which file-backed template memory cannot do ("Postcopy is not compatible with ignore-shared"). */
    private static final Set<String> FORBIDDEN = Set.of("postcopy-ram", "release-ram", "x-release-ram");

    private MigrationCapabilities() {
    }

    static Map<String, Object> arguments(List<String> extraCapabilities) {
        List<Map<String, Object>> capabilities = new ArrayList<>();
        capabilities.add(Map.of("capability", "x-ignore-shared", "state", true));
        for (String name : extraCapabilities) {
            if (FORBIDDEN.contains(name)) {
                throw new IllegalArgumentException("migration capability " + name
                        + " cannot be used with VM templating: it discards RAM that file-backed template memory keeps");
            }
            if (!name.equals("x-ignore-shared")) {
                capabilities.add(Map.of("capability", name, "state", true));
            }
        }
        return Map.of("capabilities", capabilities);
    }
}
