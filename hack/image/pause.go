// The pod sandbox's pause process for the real node (hack/image/build.sh builds it static into the image
// vmt-pause:1, containerd's sandbox_image): no registry here to pull Kubernetes' own. It holds the pod's namespaces,
// reaps the zombies of the pod's PID namespace when it is PID 1 there, and exits on SIGINT or SIGTERM.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s == syscall.SIGCHLD {
			for {
				pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
				if pid <= 0 || err != nil {
					break
				}
			}
			continue
		}
		os.Exit(0)
	}
}
