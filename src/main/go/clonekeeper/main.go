// vmt-clone-keeper: a clone pod's main process. It runs the Java launcher only for the restore, then keeps the
// clone: the launcher API, the serial console, QEMU's end in the termination message (docs/launcher.md).
package main

import (
	"os"
	"runtime/debug"
)

// Every clone on a node pays for its keeper. With Go's default pacing (the heap may grow to twice the live data)
// the keeper held 6.8 MiB anonymous memory after 400 /status and /metrics requests; a 6 MiB soft limit held it at
// 2.9 MiB (GOGC=25 alone: 3.7 MiB). Soft: a 2 MiB claim-data body still fits, the GC only runs more often then.
// GOMEMLIMIT in the environment wins.
const memoryLimit = 6 << 20

func main() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(memoryLimit)
	}
	os.Exit(runKeeper(os.Args[1:], os.Stdout, os.Stderr))
}
