package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// A QEMU process's memory from /proc (ProcessMemory.java): smaps_rollup for the totals, smaps for the split between
// the guest's copy-on-write pages (inside the private mappings of the template's memory files) and QEMU's own
// memory (outside them). docs/metrics.md says what each figure holds. smaps is read line by line: a big guest's
// runs to megabytes, which the keeper must not hold.

const kibPerMiB = 1024

type memoryFigures struct {
	RssMiB                int64 `json:"rssMiB"`
	PssMiB                int64 `json:"pssMiB"`
	PrivateMiB            int64 `json:"privateMiB"`
	SharedWithTemplateMiB int64 `json:"sharedWithTemplateMiB"`
	GuestPrivateMiB       int64 `json:"guestPrivateMiB"`
	QemuOverheadMiB       int64 `json:"qemuOverheadMiB"`
}

// readMemory reads QEMU's figures; pages mapped from files under templateMemoryDir and not yet copied are shared
// with the template.
func readMemory(pid int, templateMemoryDir string) (memoryFigures, error) {
	dir := "/proc/" + strconv.Itoa(pid)
	rollup, err := os.Open(dir + "/smaps_rollup")
	if err != nil {
		return memoryFigures{}, err
	}
	defer rollup.Close()
	smaps, err := os.Open(dir + "/smaps")
	if err != nil {
		return memoryFigures{}, err
	}
	defer smaps.Close()
	return parseMemory(rollup, smaps, templateMemoryDir+"/")
}

// ownRssMiB is this process's resident set size: the keeper's own memory, next to its QEMU's.
func ownRssMiB() (int64, error) {
	rollup, err := os.Open("/proc/self/smaps_rollup")
	if err != nil {
		return 0, fmt.Errorf("cannot read the keeper's own memory figures: %w", err)
	}
	defer rollup.Close()
	fields, err := rollupFields(rollup)
	if err != nil {
		return 0, fmt.Errorf("cannot read the keeper's own memory figures: %w", err)
	}
	return fields["Rss:"] / kibPerMiB, nil
}

var rollupNames = []string{"Rss:", "Pss:", "Private_Clean:", "Private_Dirty:", "Anonymous:"}

// rollupFields holds each name's first line's number (0 when there is none), as ProcessMemory.field reads them.
func rollupFields(rollup io.Reader) (map[string]int64, error) {
	fields := make(map[string]int64, len(rollupNames))
	scanner := newLineScanner(rollup)
	for scanner.Scan() {
		line := scanner.Text()
		for _, name := range rollupNames {
			if _, seen := fields[name]; !seen && strings.HasPrefix(line, name) {
				value, err := kib(line)
				if err != nil {
					return nil, err
				}
				fields[name] = value
			}
		}
	}
	return fields, scanner.Err()
}

func parseMemory(rollup, smaps io.Reader, templatePrefix string) (memoryFigures, error) {
	totals, err := rollupFields(rollup)
	if err != nil {
		return memoryFigures{}, err
	}
	// every anonymous page is either a guest copy inside a template mapping or QEMU's own. Not file pages outside
	// them: QEMU's binary and libraries count as private while one clone runs, yet are page cache all clones share.
	var sharedKiB, guestKiB, mappingRss int64
	inTemplateMapping := false
	scanner := newLineScanner(smaps)
	for scanner.Scan() {
		line := scanner.Text()
		switch {
		case isMappingHeader(line):
			inTemplateMapping = strings.Contains(line, " "+templatePrefix)
			mappingRss = 0
		case !inTemplateMapping:
		case strings.HasPrefix(line, "Rss:"):
			if mappingRss, err = kib(line); err != nil {
				return memoryFigures{}, err
			}
		case strings.HasPrefix(line, "Anonymous:"):
			// in a private file mapping, anonymous pages are the clone's copy-on-write copies; the rest is the template's
			anonymous, err := kib(line)
			if err != nil {
				return memoryFigures{}, err
			}
			sharedKiB += max(0, mappingRss-anonymous)
			guestKiB += anonymous
		}
	}
	if err := scanner.Err(); err != nil {
		return memoryFigures{}, err
	}
	return memoryFigures{
		RssMiB:                totals["Rss:"] / kibPerMiB,
		PssMiB:                totals["Pss:"] / kibPerMiB,
		PrivateMiB:            (totals["Private_Clean:"] + totals["Private_Dirty:"]) / kibPerMiB,
		SharedWithTemplateMiB: sharedKiB / kibPerMiB,
		GuestPrivateMiB:       guestKiB / kibPerMiB,
		QemuOverheadMiB:       max(0, totals["Anonymous:"]-guestKiB) / kibPerMiB,
	}, nil
}

// newLineScanner reads lines through a small buffer; a mapping's path may be long, so one line may grow to 64 KiB.
func newLineScanner(r io.Reader) *bufio.Scanner {
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 0, 4096), 64*1024)
	return scanner
}

func isMappingHeader(line string) bool {
	dash := strings.IndexByte(line, '-')
	space := strings.IndexByte(line, ' ')
	return dash > 0 && space > dash && !strings.Contains(line[:space], ":")
}

// kib is a "Name:   123 kB" line's number; a line without one counts 0.
func kib(line string) (int64, error) {
	parts := strings.Fields(line)
	if len(parts) < 2 {
		return 0, nil
	}
	value, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("smaps line %q: %w", line, err)
	}
	return value, nil
}
