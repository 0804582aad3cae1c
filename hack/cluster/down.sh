#!/usr/bin/env bash
# make cluster-down: stops every part of the cluster in VMT_CLUSTER_DIR (default <repo>/.cluster), newest first,
# each with SIGTERM to its whole process group and SIGKILL after a grace period, then removes the node's memory
# directory in /dev/shm. Certificates, logs and the audit log stay for reading. Safe to run twice.
# A real node (NODE=kubelet) is drained first: every pod deleted through the API, so the kubelet stops the
# containers (QEMU gets SIGTERM and its grace period) and removes their sandboxes (CNI DEL); whatever a dead kubelet
# left is killed through its cgroups, unmounted and removed after.
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

real_node=0
[ "$(cat "$dir/node-mode" 2>/dev/null)" = kubelet ] && real_node=1
# a kubelet start refused because another cluster's real node runs here (kubelet-node.sh): the node's machine-wide
# leftovers (pod cgroups, shims, mounts, KUBE-/CNI- chains, /dev/shm/vmtemplating) are that cluster's, not ours
owner=$(cat "$kubelet_node_owner" 2>/dev/null || true)
if [ "$real_node" = 1 ] && [ -n "$owner" ] && [ "$owner" != "$dir" ] && cluster_any_running "$owner"; then
  echo "cluster: the real node on this machine is $owner's: its pods, mounts, chains and /dev/shm/vmtemplating are left alone" >&2
  real_node=0
fi
part_pid() { cat "$dir/pids/$1.pid" 2>/dev/null; }
k() { "$dir/bin/kubectl" --kubeconfig "$dir/kubeconfig" --request-timeout 10s "$@"; }

if [ "$real_node" = 1 ] && part_alive "$dir/pids/kubelet.pid" && k get --raw /readyz >/dev/null 2>&1; then
  # nothing recreates (controllers, the operator's ReplicaSet) or places (scheduler) a pod while the node drains
  for part in kube-scheduler kube-controller-manager; do
    [ -f "$dir/pids/$part.pid" ] && stop_group "$(part_pid "$part")" 15
  done
  k delete pods --all-namespaces --all --wait=false >/dev/null 2>&1
  for ((i = 0; i < 120; i++)); do
    [ -z "$(k get pods --all-namespaces -o name 2>/dev/null)" ] && break
    sleep 1
  done
  left=$(k get pods --all-namespaces -o name 2>/dev/null)
  [ -z "$left" ] || echo "cluster: pods still on the node after 120 s (stopped by force below): $left" >&2
fi

if [ -f "$dir/pids/order" ]; then
  for part in $(tac "$dir/pids/order"); do
    f="$dir/pids/$part.pid"
    [ -f "$f" ] || continue
    # the node stops its pods (QEMU) inside its grace; the others stop at once
    case $part in node|node-*|kubelet) grace=60 ;; *) grace=15 ;; esac
    stop_group "$(cat "$f")" "$grace"
    rm -f "$f"
  done
  rm -f "$dir/pids/order"
fi
if [ "$real_node" = 1 ]; then
  # kube-proxy's rules go with it
  [ -x "$dir/bin/kube-proxy" ] && "$dir/bin/kube-proxy" --cleanup >/dev/null 2>&1
  # what a dead kubelet left: every process in its pod cgroups is a container's, and only its
  for pids_file in $(find /sys/fs/cgroup/*/kubepods* -name cgroup.procs 2>/dev/null); do
    xargs -r kill -KILL < "$pids_file" 2>/dev/null
  done
  for shim in $(grep -l -s -- "$containerd_socket" /proc/[0-9]*/cmdline | cut -d/ -f3); do
    kill -KILL "$shim" 2>/dev/null
  done
  # mounts of the kubelet (secrets, emptyDirs), of containerd (root file systems, sandbox /dev/shm) and its netns
  grep -o -E " ($dir/kubelet|$containerd_state|$containerd_root|/run/netns/cni-)[^ ]*" /proc/mounts | sort -r \
    | xargs -r -n1 umount -l 2>/dev/null
  # empty pod cgroups, deepest first
  find /sys/fs/cgroup/*/kubepods* -depth -type d -exec rmdir {} \; 2>/dev/null
  ip link delete "$cni_bridge" 2>/dev/null
  # chains kube-proxy --cleanup leaves: the kubelet's own (KUBE-FIREWALL, KUBE-KUBELET-CANARY) and the firewall CNI
  # plugin's (CNI-FORWARD, CNI-ADMIN), which no CNI DEL removes; only a real node of ours makes KUBE-*/CNI-* chains
  for table in filter nat mangle; do
    iptables -t "$table" -S 2>/dev/null | grep -E '^-A .* -j (KUBE|CNI)-' | sed 's/^-A/-D/' \
      | while read -r rule; do eval "iptables -t $table $rule" 2>/dev/null; done
    for chain in $(iptables -t "$table" -S 2>/dev/null | sed -n 's/^-N \(\(KUBE\|CNI\)-[^ ]*\)/\1/p'); do
      iptables -t "$table" -F "$chain" 2>/dev/null
    done
    for chain in $(iptables -t "$table" -S 2>/dev/null | sed -n 's/^-N \(\(KUBE\|CNI\)-[^ ]*\)/\1/p'); do
      iptables -t "$table" -X "$chain" 2>/dev/null
    done
  done
  rm -rf "$containerd_state" "$dir/cni/ipam"
  # the kubelet links each container's log here (a fixed path) into its podLogsDir under $dir
  find /var/log/containers -maxdepth 1 -type l -lname "$dir/kubelet/*" -delete 2>/dev/null
  # a file system mounted inside them (KubeletNodeE2EIT's small tmpfs as one template's memory directory, left by a
  # test JVM that was killed): rm would stop at it
  grep -o -E " /dev/shm/vmtemplating/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
  # the template memory and state directories of this machine as a node (README: emptied, kept, by cleanup pods)
  rm -rf /dev/shm/vmtemplating /var/lib/vmtemplating/templates
  if [ -f "$dir/sysctl.saved" ]; then
    while read -r key value; do echo "$value" > "/proc/sys/$key" 2>/dev/null; done < "$dir/sysctl.saved"
    rm -f "$dir/sysctl.saved"
  fi
  [ "$(cat "$kubelet_node_owner" 2>/dev/null)" = "$dir" ] && rm -f "$kubelet_node_owner"
fi
node_root=$(node_root_of "$dir")
# a pod process that left its group (none should) must not keep the node's memory files alive
pkill -KILL -f -- "$node_root" 2>/dev/null
rm -rf "$node_root" "$node_root"-node*
echo "cluster: down ($dir)" >&2
