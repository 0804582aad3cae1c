#!/usr/bin/env bash
# The real node of `make cluster NODE=kubelet` (run by up.sh after the control plane is up, never alone): Debian's
# containerd with its CRI plugin configured here, the CNI bridge, portmap and firewall plugins, kubelet and kube-proxy
# from hack/cluster/build.sh, and the operator's image (hack/image/build.sh) imported into containerd's k8s.io
# namespace: nothing can be pulled here, so every image a pod names must already be there.
#   needs from up.sh: dir bin api_port repo (exported)
# down.sh drains and stops it (NODE mode is kept in $dir/node-mode). One real node per machine: hostPath volumes,
# /dev/shm/vmtemplating, the bridge and kube-proxy's iptables rules are the machine's own.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=hack/cluster/lib.sh
. "$here/lib.sh"
say() { echo "cluster: $*" >&2; }
: "${dir:?} ${bin:?} ${api_port:?} ${repo:?}"

[ "$(id -u)" = 0 ] || { say "NODE=kubelet needs root (containerd, kubelet, iptables); run make cluster as root"; exit 1; }
for tool in containerd containerd-shim-runc-v2 runc ctr iptables conntrack ip; do
  command -v "$tool" >/dev/null || { say "NODE=kubelet needs $tool: run hack/install-deps.sh (Debian: $(kubelet_node_packages))"; exit 1; }
done
for plugin in bridge host-local portmap firewall loopback; do
  [ -x "$cni_bin/$plugin" ] || { say "NODE=kubelet needs the CNI plugin $cni_bin/$plugin: apt-get install containernetworking-plugins"; exit 1; }
done
owner=$(cat "$kubelet_node_owner" 2>/dev/null || true)
if [ -n "$owner" ] && [ "$owner" != "$dir" ] && cluster_any_running "$owner"; then
  say "a real node already runs on this machine for $owner: stop it first (VMT_CLUSTER_DIR=$owner make cluster-down)"
  exit 1
fi
echo "$dir" > "$kubelet_node_owner"

# the address pods reach this machine at: the default route's source address
host_ip=$(default_route_ip)
[ -n "$host_ip" ] || { say "NODE=kubelet needs a default IPv4 route (pods reach the API server at its address); none found"; exit 1; }
read -r kubelet_port proxy_metrics_port proxy_healthz_port < <(free_ports 3)
echo "kubelet_port=$kubelet_port" >> "$dir/ports.env"

# ---- the image (and the pause image), built or taken from the cache ---------------------------------------------
archive=$(bash "$repo/hack/image/build.sh")
pause_archive=$(dirname "$archive")/vmt-pause.tar

# ---- kubelet's kernel settings: it sets these itself (protectKernelDefaults false); down.sh puts them back ---------
: > "$dir/sysctl.saved"
for key in vm/overcommit_memory vm/panic_on_oom kernel/panic kernel/panic_on_oops kernel/keys/root_maxkeys kernel/keys/root_maxbytes; do
  [ -r "/proc/sys/$key" ] && echo "$key $(cat "/proc/sys/$key")" >> "$dir/sysctl.saved"
done

# ---- containerd with the CRI plugin ----------------------------------------------------------------------------
mkdir -p "$dir/containerd" "$dir/cni/net.d" "$dir/kubelet"
cat > "$dir/containerd/config.toml" <<TOML
version = 2
# the image store outlives the cluster (an import of the same image is then quick); state and sockets do not
root = "$containerd_root"
state = "$containerd_state"
[grpc]
  address = "$containerd_socket"
[plugins."io.containerd.grpc.v1.cri"]
  # built here (hack/image/pause.go): no registry to pull Kubernetes' pause image from
  sandbox_image = "vmt-pause:1"
  # this host lacks CAP_SYS_RESOURCE: lowering a sandbox's oom_score_adj below containerd's own fails otherwise
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$cni_bin"
    conf_dir = "$dir/cni/net.d"
TOML
# bridge + host-local IPAM, portmap (clone portForwards), firewall: dockerd leaves the FORWARD policy at DROP, and
# the firewall plugin admits the pods' traffic in its own chain
cat > "$dir/cni/net.d/10-vmt.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "vmt",
  "plugins": [
    {"type": "bridge", "bridge": "$cni_bridge", "isGateway": true, "ipMasq": true, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$pod_cidr"}]], "routes": [{"dst": "0.0.0.0/0"}],
              "dataDir": "$dir/cni/ipam"}},
    {"type": "portmap", "capabilities": {"portMappings": true}},
    {"type": "firewall"}
  ]
}
JSON
start_part containerd "$dir" containerd --config "$dir/containerd/config.toml"
wait_for containerd "containerd" 60 ctr --address "$containerd_socket" version
t0=$(date +%s)
ctr --address "$containerd_socket" -n k8s.io images import "$pause_archive" >/dev/null
ctr --address "$containerd_socket" -n k8s.io images import "$archive" >/dev/null
say "images imported into containerd's k8s.io namespace ($(( $(date +%s) - t0 )) s)"

# ---- kubelet ---------------------------------------------------------------------------------------------------
cat > "$dir/kubelet/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $host_ip
port: $kubelet_port
readOnlyPort: 0
healthzPort: 0
# the API server's client certificate (kubectl logs/exec) is from our CA; anything it presents may act
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: $dir/pki/ca.crt}
authorization: {mode: AlwaysAllow}
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$containerd_socket
podLogsDir: $dir/kubelet/pod-logs
volumePluginDir: $dir/kubelet/volume-plugins
resolvConf: /etc/resolv.conf
failSwapOn: false
# a shared test machine: evict nothing for a disk that is merely full-ish
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
imageGCHighThresholdPercent: 100
serializeImagePulls: false
YAML
start_part kubelet "$dir" "$bin/kubelet" --config "$dir/kubelet/config.yaml" --kubeconfig "$dir/node.kubeconfig" \
  --root-dir "$dir/kubelet/root" --cert-dir "$dir/kubelet/pki" --hostname-override local-node --node-ip "$host_ip"
wait_for kubelet "the kubelet's node to be Ready" 120 node_ready

# ---- kube-proxy: the kubernetes Service's ClusterIP (what in-cluster clients dial) to the API server -------------
write_kubeconfig "$dir/kube-proxy.kubeconfig" "$api_port" "$dir/pki" kube-proxy
start_part kube-proxy "$dir" "$bin/kube-proxy" --kubeconfig "$dir/kube-proxy.kubeconfig" --hostname-override local-node \
  --proxy-mode iptables --cluster-cidr "$pod_cidr" --conntrack-max-per-core 0 \
  --metrics-bind-address "127.0.0.1:$proxy_metrics_port" --healthz-bind-address "127.0.0.1:$proxy_healthz_port"
wait_for kube-proxy "kube-proxy" 60 curl -sf "http://127.0.0.1:$proxy_healthz_port/healthz"
say "real node up: kubelet + containerd on $host_ip, pods on $pod_cidr"
