package main

import (
	"os"
	"strings"
	"testing"
)

// ProcessMemoryTest, ported: the figures from a captured-looking smaps_rollup and smaps.

const rollupFixture = `55d0c0000000-7ffd1c9f2000 ---p 00000000 00:00 0                          [rollup]
Rss:              204800 kB
Pss:              102400 kB
Pss_Anon:          51200 kB
Shared_Clean:     153600 kB
Private_Clean:      1024 kB
Private_Dirty:     50176 kB
Anonymous:         51200 kB
`

const smapsFixture = `7f0000000000-7f0010000000 r--p 00000000 00:1a 42                         /dev/shm/vmt/t1/pc.ram
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
`

func parseFixture(t *testing.T, rollup, smaps, prefix string) memoryFigures {
	t.Helper()
	figures, err := parseMemory(strings.NewReader(rollup), strings.NewReader(smaps), prefix)
	if err != nil {
		t.Fatal(err)
	}
	return figures
}

func TestTotalsFromRollupAndTemplatePagesFromTheFileMapping(t *testing.T) {
	// rss 200 MiB, pss 100, private 1 + 49 = 50, shared with template = (160 MiB - 10 MiB copied on write),
	// the guest's copies 10 MiB, QEMU's own anonymous memory 50 - 10 = 40 MiB
	assertEqual(t, memoryFigures{200, 100, 50, 150, 10, 40}, parseFixture(t, rollupFixture, smapsFixture, "/dev/shm/vmt/t1/"))
}

func TestNoTemplateMappingSharesNothingAndEveryAnonymousPageIsQemus(t *testing.T) {
	assertEqual(t, memoryFigures{200, 100, 50, 0, 0, 50}, parseFixture(t, rollupFixture, smapsFixture, "/dev/shm/other/"))
}

func TestCopiesInEveryTemplateFileCountAsTheGuestsAndOtherFilesAsQemus(t *testing.T) {
	// a NUMA template has one memory file per node; virtio-mem's own RAM and a private copy of a library are QEMU's
	smaps := `7f0000000000-7f0008000000 rw-p 00000000 00:1a 42                         /dev/shm/vmt/t1/ram-node0
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
`
	rollup := "Rss: 197632 kB\nPss: 100000 kB\nPrivate_Dirty: 100000 kB\nAnonymous: 71680 kB\n"
	figures := parseFixture(t, rollup, smaps, "/dev/shm/vmt/t1/")
	assertEqual(t, int64(40), figures.GuestPrivateMiB)       // 32 + 8 MiB copied in the two template files, not t10's
	assertEqual(t, int64(30), figures.QemuOverheadMiB)       // 70 MiB anonymous minus the guest's 40
	assertEqual(t, int64(88), figures.SharedWithTemplateMiB) // (64 - 32) + (64 - 8)
}

func TestABrokenNumberIsAnErrorNotAZero(t *testing.T) {
	_, err := parseMemory(strings.NewReader("Rss: lots kB\n"), strings.NewReader(""), "/x/")
	if err == nil || !strings.Contains(err.Error(), `"lots"`) {
		t.Fatalf("got %v", err)
	}
}

func TestOwnAndAnotherProcesssFiguresComeFromProc(t *testing.T) {
	own, err := ownRssMiB()
	if err != nil || own <= 0 {
		t.Fatalf("own RSS %d MiB, %v", own, err)
	}
	figures, err := readMemory(os.Getpid(), t.TempDir())
	if err != nil || figures.RssMiB <= 0 {
		t.Fatalf("%+v %v", figures, err)
	}
	if _, err := readMemory(1<<22+7, "/x"); err == nil || err.Error() != "open /proc/4194311/smaps_rollup: no such file or directory" {
		t.Fatalf("a gone process: %v", err)
	}
}
