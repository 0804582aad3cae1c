#!/usr/bin/env bash
# Builds hack/kstatus (sigs.k8s.io/cli-utils' kstatus, what Flux reads from a status), cached outside the repo;
# prints the binary's path (hack/go-tool.sh).
exec bash "$(dirname "$0")/../go-tool.sh" "$(dirname "$0")"
