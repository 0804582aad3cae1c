package io.vmtemplating.launcher;

import java.util.Optional;

/**
 * Whether the node's tmpfs has room for a template's memory file. QEMU maps the file without preallocating it: on a
 * full tmpfs it starts fine and dies of SIGBUS when the guest first touches a page the tmpfs cannot supply, which says
 * nothing about space. So the launcher compares before QEMU starts.
 */
final class MemorySpace {
    private static final long MIB = 1024 * 1024;

    private MemorySpace() {
    }

    /** How Java reports a process killed by SIGBUS: 128 + signal 7. */
    static final int SIGBUS_EXIT = 128 + 7;

    /**
     * Why QEMU died of SIGBUS with its memory file on tmpfs: the check before it started passed, and something else
     * filled the tmpfs since (another template's build). Empty for any other end.
     */
    static Optional<String> afterSigbus(int qemuExit, long usableBytes, long memoryMiB) {
        if (qemuExit != SIGBUS_EXIT) {
            return Optional.empty();
        }
        return Optional.of("no space for the template's memory file: QEMU was killed by SIGBUS, which on tmpfs means a guest"
                + " page could not be allocated; the node's tmpfs for template memory (the hostPath under /dev/shm) has "
                + usableBytes / MIB + " MiB free now and the guest's RAM needs " + memoryMiB + " MiB (spec.memory.size);"
                + " free space in the node's /dev/shm (delete templates no longer used, or remount it larger: mount -o"
                + " remount,size=...) or lower spec.memory.size");
    }

    /** The message for a tmpfs with less free space than the guest's RAM; empty when it fits. */
    static Optional<String> shortfall(long usableBytes, long memoryMiB) {
        long neededBytes = memoryMiB * MIB;
        if (usableBytes >= neededBytes) {
            return Optional.empty();
        }
        return Optional.of("no space for the template's memory file: the node's tmpfs for template memory (the hostPath"
                + " under /dev/shm) has " + usableBytes / MIB + " MiB free and the guest's RAM needs " + memoryMiB
                + " MiB (spec.memory.size); free space in the node's /dev/shm (delete templates no longer used, or remount"
                + " it larger: mount -o remount,size=...) or lower spec.memory.size");
    }
}
