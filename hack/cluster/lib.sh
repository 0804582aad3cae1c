# Functions shared by up.sh and down.sh (sourced).

# N free TCP ports on loopback, on one line: bound together so no two are the same, released at once.
free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

# start_part NAME DIR COMMAND...: in its own session (down.sh stops the whole group), log in DIR/logs/NAME.log
start_part() {
  local name=$1 dir=$2
  shift 2
  setsid "$@" > "$dir/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$dir/pids/$name.pid"
  echo "$name" >> "$dir/pids/order"
}

# wait_for PART WHAT SECONDS COMMAND...: until COMMAND succeeds; on timeout name WHAT and show PART's log tail
wait_for() {
  local part=$1 what=$2 seconds=$3
  shift 3
  local deadline=$(( $(date +%s) + seconds ))
  until "$@" >/dev/null 2>&1; do
    # a part that died (a port taken in the meantime, a bad flag) will never get ready: say so now
    if [ -f "$dir/pids/$part.pid" ] && ! part_alive "$dir/pids/$part.pid"; then
      echo "cluster: $part exited while waiting for $what; end of its log:" >&2
      tail -15 "$dir/logs/$part.log" 2>/dev/null | sed 's/^/  | /' >&2
      return 1
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "cluster: $what not ready after ${seconds}s; end of its log:" >&2
      tail -15 "$dir/logs/$part.log" 2>/dev/null | sed 's/^/  | /' >&2
      return 1
    fi
    sleep 0.5
  done
}

part_alive() {
  local pid
  pid=$(cat "$1" 2>/dev/null) && kill -0 "$pid" 2>/dev/null
}

# Some part of a cluster in DIR is still running.
cluster_any_running() {
  local f
  for f in "$1"/pids/*.pid; do
    [ -e "$f" ] && part_alive "$f" && return 0
  done
  return 1
}

# Every part started in DIR runs and the API server answers.
cluster_healthy() {
  local f
  [ -f "$1/pids/order" ] && [ -f "$1/kubeconfig" ] || return 1
  for f in "$1"/pids/*.pid; do
    part_alive "$f" || return 1
  done
  kubectl --kubeconfig "$1/kubeconfig" get --raw /readyz >/dev/null 2>&1
}

# The local node's root (host paths map under it; template memory lives there): tmpfs, named after DIR.
# node_root_of DIR [K]: local node K's root (K from 1; node 1 keeps the root a single node always had)
node_root_of() {
  local root
  root="/dev/shm/vmt-cluster-$(echo "$1" | cksum | cut -d' ' -f1)"
  if [ "${2:-1}" = 1 ]; then echo "$root"; else echo "$root-node$2"; fi
}

# node_name K / node_part K: local node K's Node name and its part (pid and log file) name
node_name() { if [ "$1" = 1 ]; then echo local-node; else echo "local-node-$1"; fi; }
node_part() { if [ "$1" = 1 ]; then echo node; else echo "node-$1"; fi; }

node_ready() {
  [ "$(kubectl --kubeconfig "$dir/kubeconfig" get node "${1:-local-node}" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}

# write_kubeconfig FILE PORT PKI CERT-NAME [TOKEN]: a client certificate from PKI, or a bearer token
write_kubeconfig() {
  local file=$1 port=$2 pki=$3 cert=$4 token=${5:-}
  {
    echo "apiVersion: v1"
    echo "kind: Config"
    echo "clusters:"
    echo "- name: vmt"
    echo "  cluster:"
    echo "    server: https://127.0.0.1:$port"
    echo "    certificate-authority: $pki/ca.crt"
    echo "users:"
    echo "- name: user"
    echo "  user:"
    if [ -n "$token" ]; then
      echo "    token: $token"
    else
      echo "    client-certificate: $pki/$cert.crt"
      echo "    client-key: $pki/$cert.key"
    fi
    echo "contexts:"
    echo "- name: vmt"
    echo "  context: {cluster: vmt, user: user, namespace: default}"
    echo "current-context: vmt"
  } > "$file"
  chmod 600 "$file"
}

# ---- the real node (make cluster NODE=kubelet, kubelet-node.sh) ------------------------------------------------
# Machine-wide by nature (host paths, the bridge, iptables): one real node per machine, its cluster dir named here
# (VMT_KUBELET_NODE_OWNER names another file: for tests of the scripts).
kubelet_node_owner=${VMT_KUBELET_NODE_OWNER:-/run/vmt-kubelet-node.owner}
cni_bin=/usr/lib/cni
cni_bridge=vmt0
pod_cidr=10.244.0.0/24
containerd_root=${VMT_CACHE:-$HOME/.cache/vm-templating-operator}/containerd
containerd_state=/run/vmt-containerd
containerd_socket=/run/vmt-containerd/containerd.sock
kubelet_node_packages() { echo "apt-get install docker.io containerd runc containernetworking-plugins debootstrap iptables conntrack"; }

# The source address of this machine's default IPv4 route (empty without one).
default_route_ip() {
  ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p'
}
