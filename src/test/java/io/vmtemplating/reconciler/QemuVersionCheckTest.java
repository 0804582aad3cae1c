package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which copies of a template froze with a QEMU the other copies do not run. */
class QemuVersionCheckTest {

    @Test
    void theCopyOnANodeWithAnotherQemuIsTheOneMarked() {
        Map<Integer, String> versions = Map.of(0, "10.0.2", 1, "10.1.0", 2, "10.0.2");
        assertEquals(Optional.of("10.0.2"), QemuVersionCheck.templateVersion(versions));
        assertEquals(List.of(1), QemuVersionCheck.mismatched(versions));
    }

    @Test
    void aTieGoesToTheLowestNumberedCopyWhateverFinishedFirst() {
        assertEquals(List.of(1), QemuVersionCheck.mismatched(Map.of(1, "9.2.0", 0, "10.0.2")));
        assertEquals(List.of(0), QemuVersionCheck.mismatched(Map.of(0, "9.2.0", 1, "10.0.2", 2, "10.0.2")));
    }

    @Test
    void oneVersionOrNoneRecordedMarksNothing() {
        assertEquals(List.of(), QemuVersionCheck.mismatched(Map.of(0, "10.0.2", 1, "10.0.2")));
        Map<Integer, String> unknown = new HashMap<>();
        unknown.put(0, null);
        unknown.put(1, "10.0.2");
        assertEquals(List.of(), QemuVersionCheck.mismatched(unknown));
        assertEquals(Optional.empty(), QemuVersionCheck.templateVersion(Map.of()));
    }
}
