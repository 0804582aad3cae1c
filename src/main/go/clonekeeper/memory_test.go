package main

import (
	"os"
	"strings"
	"testing"
)

// The split of a clone's QEMU memory, on the fixtures ProcessMemoryTest reads too (src/test/resources/smaps): the
// Java bench and the keeper compute it from the same input.

var rollupFixture = readFixture("clone.smaps_rollup")
var smapsFixture = readFixture("clone.smaps")

func readFixture(name string) string {
	data, err := os.ReadFile("../../../test/resources/smaps/" + name)
	if err != nil {
		panic("the shared smaps fixture is missing: " + err.Error())
	}
	return string(data)
}

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
	smaps, rollup := readFixture("numa-clone.smaps"), readFixture("numa-clone.smaps_rollup")
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
