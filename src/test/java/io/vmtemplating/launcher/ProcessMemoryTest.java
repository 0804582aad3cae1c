package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProcessMemoryTest {
    /** The same fixtures the clone keeper's Go test reads (src/main/go/clonekeeper/memory_test.go). */
    private static final String ROLLUP = fixture("clone.smaps_rollup");
    private static final String SMAPS = fixture("clone.smaps");

    private static String fixture(String name) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("src/test/resources/smaps", name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void totalsFromRollupAndTemplatePagesFromTheFileMapping() {
        ProcessMemory.Figures figures = ProcessMemory.parse(ROLLUP, SMAPS, "/dev/shm/vmt/t1/");
        // rss 200 MiB, pss 100, private 1 + 49 = 50, shared with template = (160 MiB - 10 MiB copied on write),
        // the guest's copies 10 MiB, QEMU's own anonymous memory 50 - 10 = 40 MiB
        assertEquals(new ProcessMemory.Figures(200, 100, 50, 150, 10, 40), figures);
    }

    @Test
    void noTemplateMappingSharesNothingAndEveryAnonymousPageIsQemus() {
        ProcessMemory.Figures figures = ProcessMemory.parse(ROLLUP, SMAPS, "/dev/shm/other/");
        assertEquals(0, figures.sharedWithTemplateMiB());
        assertEquals(0, figures.guestPrivateMiB());
        assertEquals(50, figures.qemuOverheadMiB());
    }

    @Test
    void copiesInEveryTemplateFileCountAsTheGuestsAndOtherFilesAsQemus() {
        // a NUMA template has one memory file per node; virtio-mem's own RAM and a private copy of a library are QEMU's
        String smaps = fixture("numa-clone.smaps");
        String rollup = fixture("numa-clone.smaps_rollup");
        ProcessMemory.Figures figures = ProcessMemory.parse(rollup, smaps, "/dev/shm/vmt/t1/");
        assertEquals(40, figures.guestPrivateMiB(), "32 + 8 MiB copied in the two template files, not t10's");
        assertEquals(30, figures.qemuOverheadMiB(), "70 MiB anonymous minus the guest's 40");
        assertEquals(88, figures.sharedWithTemplateMiB(), "(64 - 32) + (64 - 8)");
    }
}
