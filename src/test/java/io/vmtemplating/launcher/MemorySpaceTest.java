package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class MemorySpaceTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void aTmpfsWithRoomForTheGuestsRamPasses() {
        assertEquals(Optional.empty(), MemorySpace.shortfall(512 * MIB, 512));
        assertEquals(Optional.empty(), MemorySpace.shortfall(24L * 1024 * MIB, 512));
    }

    @Test
    void qemuKilledBySigbusIsTheTmpfsRunningOutWhateverElseEndedItIsNot() {
        assertEquals("no space for the template's memory file: QEMU was killed by SIGBUS, which on tmpfs means a guest page"
                + " could not be allocated; the node's tmpfs for template memory (the hostPath under /dev/shm) has 3 MiB free now"
                + " and the guest's RAM needs 512 MiB (spec.memory.size); free space in the node's /dev/shm (delete templates no"
                + " longer used, or remount it larger: mount -o remount,size=...) or lower spec.memory.size",
                MemorySpace.afterSigbus(135, 3 * MIB, 512).orElseThrow());
        for (int exit : new int[] {0, 1, 137, 143, 134}) {
            assertEquals(Optional.empty(), MemorySpace.afterSigbus(exit, 0, 512), "exit " + exit);
        }
    }

    @Test
    void aTmpfsTooSmallNamesWhatIsFreeWhatIsNeededTheFieldAndTheFix() {
        String message = MemorySpace.shortfall(16 * MIB, 512).orElseThrow();
        assertEquals("no space for the template's memory file: the node's tmpfs for template memory (the hostPath under"
                + " /dev/shm) has 16 MiB free and the guest's RAM needs 512 MiB (spec.memory.size); free space in the node's"
                + " /dev/shm (delete templates no longer used, or remount it larger: mount -o remount,size=...) or lower"
                + " spec.memory.size", message);
        assertTrue(MemorySpace.shortfall(512 * MIB - 1, 512).isPresent());
        assertTrue(MemorySpace.shortfall(0, 1).orElseThrow().contains("has 0 MiB free"));
    }
}
