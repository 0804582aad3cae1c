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
        // rss 200 MiB, pss 100, private 1 + 49 = 50, shared with template = (160 MiB - 10 MiB copied on write)
        assertEquals(new ProcessMemory.Figures(200, 100, 50, 150), figures);
    }

    @Test
    void noTemplateMappingSharesNothing() {
        assertEquals(0, ProcessMemory.parse(ROLLUP, SMAPS, "/dev/shm/other/").sharedWithTemplateMiB());
    }
}
