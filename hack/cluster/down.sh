#!/usr/bin/env bash
# make cluster-down: stops every part of the cluster in VMT_CLUSTER_DIR (default <repo>/.cluster), newest first,
# each with SIGTERM to its whole process group and SIGKILL after a grace period, then removes the node's memory
# directory in /dev/shm. Certificates, logs and the audit log stay for reading. Safe to run twice.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dir=${VMT_CLUSTER_DIR:-$repo/.cluster}
[ -d "$dir" ] || exit 0
dir=$(cd "$dir" && pwd)
. "$here/lib.sh"

stop_group() {
  local pid=$1 grace=$2 i
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 -- "-$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  echo "cluster: process group $pid still running after ${grace}s: SIGKILL" >&2
  kill -KILL -- "-$pid" 2>/dev/null
}

if [ -f "$dir/pids/order" ]; then
  for part in $(tac "$dir/pids/order"); do
    f="$dir/pids/$part.pid"
    [ -f "$f" ] || continue
    # the node stops its pods (QEMU) inside its grace; the others stop at once
    case $part in node) grace=60 ;; *) grace=15 ;; esac
    stop_group "$(cat "$f")" "$grace"
    rm -f "$f"
  done
  rm -f "$dir/pids/order"
fi
node_root=$(node_root_of "$dir")
# a pod process that left its group (none should) must not keep the node's memory files alive
pkill -KILL -f -- "$node_root" 2>/dev/null
rm -rf "$node_root"
echo "cluster: down ($dir)" >&2
