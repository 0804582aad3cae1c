package io.vmtemplating.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MigrationCapabilitiesTest {
    @Test
    void alwaysIgnoresSharedMemoryAndAddsExtras() {
        assertEquals(Map.of("capabilities", List.of(Map.of("capability", "x-ignore-shared", "state", true),
                        Map.of("capability", "mapped-ram", "state", true))),
                MigrationCapabilities.arguments(List.of("mapped-ram", "x-ignore-shared")));
    }

    @Test
    void refusesCapabilitiesThatDiscardRam() {
        for (String name : List.of("postcopy-ram", "release-ram", "x-release-ram")) {
            var e = assertThrows(IllegalArgumentException.class, () -> MigrationCapabilities.arguments(List.of(name)));
            assertEquals("migration capability " + name
                    + " cannot be used with VM templating: it discards RAM that file-backed template memory keeps", e.getMessage());
        }
    }
}
