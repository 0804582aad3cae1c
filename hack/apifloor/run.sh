#!/usr/bin/env bash
# hack/apifloor/run.sh [apifloor claims flags]: the real API server's floor for a claim on this machine. Starts a
# control plane of its own with no operator, webhook or node (hack/cluster/up.sh in a temporary directory), installs
# the CRDs from crds/, runs `apifloor operator` (the operator at its minimum) and `apifloor claims` (the bench's
# clock) against it, prints the claims' times, and stops everything on every exit path. docs/pools.md has results.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
tool=$(bash "$here/build.sh")
dir=$(mktemp -d /tmp/apifloor.XXXXXX)
pids=()
cleanup() {
  local status=$?
  set +e # every step runs, whatever the one before it returned (a process already gone, one stopped by its signal)
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  VMT_CLUSTER_DIR="$dir" bash "$repo/hack/cluster/down.sh" >/dev/null 2>&1
  rm -rf "$dir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
kubeconfig=$(VMT_CLUSTER_DIR="$dir" VMT_CLUSTER_NODE=0 VMT_CLUSTER_OPERATOR=0 bash "$repo/hack/cluster/up.sh")
kubectl() { "$dir/bin/kubectl" --kubeconfig "$kubeconfig" "$@"; }
kubectl apply -f "$repo/crds/" >/dev/null
kubectl wait --for condition=Established --timeout 60s crd --all >/dev/null
kubectl create namespace floor >/dev/null
"$tool" operator -kubeconfig "$kubeconfig" -namespace floor &
pids+=($!)
# in the background and waited for: bash runs a signal's trap only between commands, and wait is one
"$tool" claims -kubeconfig "$kubeconfig" -namespace floor "$@" &
pids+=($!)
wait "${pids[1]}"
