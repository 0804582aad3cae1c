package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProcessMemoryTest {
    private static final String ROLLUP = """
            55d0c0000000-7ffd1c9f2000 ---p 00000000 00:00 0                          [rollup]
            Rss:              204800 kB
            Pss:              102400 kB
            Pss_Anon:          51200 kB
            Shared_Clean:     153600 kB
            Private_Clean:      1024 kB
            Private_Dirty:     50176 kB
            Anonymous:         51200 kB
            """;
    private static final String SMAPS = """
            7f0000000000-7f0010000000 r--p 00000000 00:1a 42                         /dev/shm/vmt/t1/pc.ram
            Size:             262144 kB
            Rss:              163840 kB
            Pss:               81920 kB
            Anonymous:         10240 kB
            VmFlags: rd mr mw me
            7f0010000000-7f0010001000 rw-p 00000000 00:00 0
            Size:                  4 kB
            Rss:                   4 kB
            Anonymous:             4 kB
            7f0020000000-7f0020100000 r-xp 00000000 08:01 77                         /usr/bin/qemu-system-x86_64
            Rss:                1024 kB
            Anonymous:             0 kB
            """;

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
        String smaps = """
                7f0000000000-7f0008000000 rw-p 00000000 00:1a 42                         /dev/shm/vmt/t1/ram-node0
                Rss:               65536 kB
                Anonymous:         32768 kB
                7f0008000000-7f0010000000 rw-p 00000000 00:1a 43                         /dev/shm/vmt/t1/ram-node1
                Rss:               65536 kB
                Anonymous:          8192 kB
                7f0010000000-7f0014000000 rw-p 00000000 00:1a 44                         /dev/shm/vmt/t10/pc.ram
                Rss:               65536 kB
                Anonymous:          4096 kB
                7f0020000000-7f0020100000 rw-p 00000000 08:01 77                         /usr/lib/x86_64-linux-gnu/libglib-2.0.so.0
                Rss:                1024 kB
                Anonymous:          1024 kB
                """;
        String rollup = "Rss: 197632 kB\nPss: 100000 kB\nPrivate_Dirty: 100000 kB\nAnonymous: 71680 kB\n";
        ProcessMemory.Figures figures = ProcessMemory.parse(rollup, smaps, "/dev/shm/vmt/t1/");
        assertEquals(40, figures.guestPrivateMiB(), "32 + 8 MiB copied in the two template files, not t10's");
        assertEquals(30, figures.qemuOverheadMiB(), "70 MiB anonymous minus the guest's 40");
        assertEquals(88, figures.sharedWithTemplateMiB(), "(64 - 32) + (64 - 8)");
    }
}
