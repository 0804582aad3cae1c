#!/usr/bin/env bash
# make cluster: a real Kubernetes control plane on this machine's loopback, from the binaries hack/cluster/build.sh
# builds (etcd, kube-apiserver, kube-controller-manager, kube-scheduler), this machine as a Node served by the
# project's local node (`vmt node`, the kubelet stand-in that runs pods as processes), and the operator with its
# admission webhook over TLS, installed from crds/ and deploy/ the way a cluster admin would.
# With VMT_CLUSTER_NODE=kubelet (make cluster NODE=kubelet) this machine is a real node instead: kubelet, containerd
# and kube-proxy (kubelet-node.sh), and the operator is installed into the cluster as a user would, as a Deployment
# from deploy/ with the image make image builds (install-operator.sh; docs/real-node.md).
#
#   VMT_CLUSTER_DIR       state (certificates, etcd data, logs, kubeconfigs); default <repo>/.cluster
#   VMT_CLUSTER_NODE=0    no node   =1 the local node (default)   =kubelet a real kubelet
#   VMT_CLUSTER_NODES=N   with the local node: N local nodes (local-node, local-node-2, ...), each with its own node
#                         root (its own memory directory) and Node object; default 1 (make cluster NODES=3)
#   VMT_CLUSTER_OPERATOR=0   no operator, no webhook
#
# Prints the admin kubeconfig's path on stdout. Idempotent: a cluster that is up is left alone; a half-started one
# is stopped and started afresh. Every port is a free one, picked at start and kept in $VMT_CLUSTER_DIR/ports.env.
# Stop everything with hack/cluster/down.sh (make cluster-down).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dir=${VMT_CLUSTER_DIR:-$repo/.cluster}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
with_node=${VMT_CLUSTER_NODE:-1}
with_operator=${VMT_CLUSTER_OPERATOR:-1}
node_count=${VMT_CLUSTER_NODES:-1}
case $node_count in [1-9]) ;; *) echo "cluster: VMT_CLUSTER_NODES (make cluster NODES=) is $node_count; use 1 to 9 local nodes" >&2; exit 1 ;; esac
if [ "$node_count" != 1 ] && [ "$with_node" != 1 ]; then
  echo "cluster: NODES=$node_count needs the local node (one real kubelet per machine); leave NODE unset" >&2; exit 1
fi
case $with_node in 0|1|kubelet) ;; *) echo "cluster: VMT_CLUSTER_NODE (make cluster NODE=) is $with_node; use 1 (the local node), kubelet (a real kubelet) or 0 (none)" >&2; exit 1 ;; esac
# shellcheck source=hack/cluster/lib.sh
. "$here/lib.sh"

say() { echo "cluster: $*" >&2; }
for tool in openssl python3 curl; do
  command -v "$tool" >/dev/null || { say "needs $tool on PATH: install it (Debian: apt-get install $tool), then run make cluster again"; exit 1; }
done
# the binaries first (cached: under a second), and their kubectl ahead of any other on PATH: one pinned version
bin=$(bash "$here/build.sh")
export PATH="$bin:$PATH"
ln -sfn "$bin" "$dir/bin"

if cluster_healthy "$dir"; then
  say "already up ($dir)"
  echo "$dir/kubeconfig"
  exit 0
fi
if cluster_any_running "$dir"; then
  say "found a half-started cluster in $dir: stopping it and starting afresh"
  bash "$here/down.sh" >&2
fi


# Whatever fails from here on stops what was started, and shows the end of the failing part's log.
started_ok=0
on_exit() {
  if [ "$started_ok" != 1 ]; then
    say "start failed; stopping what was started (logs in $dir/logs)"
    bash "$here/down.sh" >&2 || true
  fi
}
trap on_exit EXIT
trap 'exit 130' INT TERM

rm -rf "$dir/etcd" "$dir/logs" "$dir/pids" "$dir/audit.log" "$dir/node-mode"
mkdir -p "$dir/logs" "$dir/pids" "$dir/pki"
# down.sh drains a real node before it stops it
[ "$with_node" = kubelet ] && echo kubelet > "$dir/node-mode"

# ---- ports: free ones, now ------------------------------------------------------------------------------------
read -r etcd_port etcd_peer_port api_port op_http_port op_https_port < <(free_ports 5)
cat > "$dir/ports.env" <<EOF
etcd_port=$etcd_port
etcd_peer_port=$etcd_peer_port
api_port=$api_port
op_http_port=$op_http_port
op_https_port=$op_https_port
EOF

# ---- certificates: one CA for serving and client certs, a service-account key pair ------------------------------
bash "$here/pki.sh" "$dir/pki" "$node_count" >&2

# ---- etcd ----------------------------------------------------------------------------------------------------
# --unsafe-no-fsync: a throw-away test cluster on 2 cores; fsync would dominate every write
start_part etcd "$dir" "$bin/etcd" --name default --data-dir "$dir/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
  --initial-cluster "default=http://127.0.0.1:$etcd_peer_port" --unsafe-no-fsync --log-level warn
wait_for etcd "etcd" 60 curl -sf "http://127.0.0.1:$etcd_port/health"

# ---- kube-apiserver ------------------------------------------------------------------------------------------
# Loopback only with the local node. A real node's pods dial the kubernetes Service's ClusterIP, which kube-proxy
# sends to the advertised address: the machine's own (the lease endpoint reconciler keeps the Service's endpoints);
# the API server calls webhooks at their Service's endpoint IPs (aggregator routing), so no proxy for that direction.
network_flags=(--bind-address 127.0.0.1 --advertise-address 127.0.0.1 --endpoint-reconciler-type none)
controllers=garbage-collector-controller,namespace-controller,serviceaccount-controller,root-ca-certificate-publisher-controller,node-lifecycle-controller
if [ "$with_node" = kubelet ]; then
  host_ip=$(default_route_ip)
  [ -n "$host_ip" ] || { say "NODE=kubelet needs a default IPv4 route (pods reach the API server at its address); none found"; exit 1; }
  network_flags=(--bind-address 0.0.0.0 --advertise-address "$host_ip" --enable-aggregator-routing=true
    --kubelet-client-certificate "$dir/pki/apiserver-kubelet-client.crt" --kubelet-client-key "$dir/pki/apiserver-kubelet-client.key"
    --kubelet-preferred-address-types InternalIP)
  # the operator's Deployment, and the Service endpoints kube-proxy and the webhook calls need
  controllers=$controllers,deployment-controller,replicaset-controller,endpoints-controller,endpointslice-controller
fi
cp "$here/audit-policy.yaml" "$here/admission.yaml" "$dir/"
start_part kube-apiserver "$dir" "$bin/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$etcd_port" \
  "${network_flags[@]}" --secure-port "$api_port" \
  --tls-cert-file "$dir/pki/apiserver.crt" --tls-private-key-file "$dir/pki/apiserver.key" \
  --client-ca-file "$dir/pki/ca.crt" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$dir/pki/sa.pub" --service-account-signing-key-file "$dir/pki/sa.key" \
  --service-cluster-ip-range 10.96.0.0/16 \
  --authorization-mode Node,RBAC --allow-privileged=true \
  --enable-admission-plugins NodeRestriction,OwnerReferencesPermissionEnforcement --admission-control-config-file "$dir/admission.yaml" \
  --audit-policy-file "$dir/audit-policy.yaml" --audit-log-path "$dir/audit.log" --audit-log-maxsize 500 \
  --profiling=false
write_kubeconfig "$dir/kubeconfig" "$api_port" "$dir/pki" admin
wait_for kube-apiserver "kube-apiserver" 120 kubectl --kubeconfig "$dir/kubeconfig" get --raw /readyz

# ---- controller-manager and scheduler: their own identities, as in a kubeadm cluster (each controller with its own
# ServiceAccount and bootstrap role: --use-service-account-credentials) ---------------------------------------------
write_kubeconfig "$dir/controller-manager.kubeconfig" "$api_port" "$dir/pki" controller-manager
write_kubeconfig "$dir/scheduler.kubeconfig" "$api_port" "$dir/pki" scheduler
start_part kube-controller-manager "$dir" "$bin/kube-controller-manager" \
  --kubeconfig "$dir/controller-manager.kubeconfig" --secure-port 0 --leader-elect=false \
  --use-service-account-credentials=true \
  --controllers "$controllers" \
  --root-ca-file "$dir/pki/ca.crt" --service-account-private-key-file "$dir/pki/sa.key"
start_part kube-scheduler "$dir" "$bin/kube-scheduler" \
  --kubeconfig "$dir/scheduler.kubeconfig" --secure-port 0 --leader-elect=false
k() { kubectl --kubeconfig "$dir/kubeconfig" "$@"; }
wait_for kube-controller-manager "the default ServiceAccount (controller-manager)" 60 k -n default get serviceaccount default

# Namespaces holding VmTemplates need the privileged Pod Security level (README): label default as a user would.
k label namespace default pod-security.kubernetes.io/enforce=privileged --overwrite >/dev/null

# ---- the node -------------------------------------------------------------------------------------------------
if [ "$with_node" = kubelet ]; then
  # the demo's boot files where samples/demo/ names them, on this machine itself
  mkdir -p /var/lib/vmtemplating/guest
  guest=$(bash "$repo/hack/build-test-guest.sh" | tail -1)
  cp "$guest/vmlinuz-cloud" /var/lib/vmtemplating/guest/vmlinuz
  cp "$guest/initrd.gz" "$guest/vmlinuz-generic" /var/lib/vmtemplating/guest/
  chmod 0644 /var/lib/vmtemplating/guest/*
  write_kubeconfig "$dir/node.kubeconfig" "$api_port" "$dir/pki" node
  dir=$dir bin=$bin api_port=$api_port repo=$repo bash "$here/kubelet-node.sh"
fi
if [ "$with_node" = 1 ]; then
  guest=$(bash "$repo/hack/build-test-guest.sh" | tail -1)
  # node k: its own client certificate, root (host paths, the memory directory on tmpfs) and name; each a process of its own
  for ((n = 1; n <= node_count; n++)); do
    node_root=$(node_root_of "$dir" "$n")
    mkdir -p "$node_root/var/lib/vmtemplating/guest"
    cp "$guest/vmlinuz-cloud" "$node_root/var/lib/vmtemplating/guest/vmlinuz"
    cp "$guest/initrd.gz" "$guest/vmlinuz-generic" "$node_root/var/lib/vmtemplating/guest/"
    write_kubeconfig "$dir/$(node_part "$n").kubeconfig" "$api_port" "$dir/pki" "$(node_part "$n")"
    start_part "$(node_part "$n")" "$dir" "$repo/vmt" node --kubeconfig "$dir/$(node_part "$n").kubeconfig" --name "$(node_name "$n")" \
      --root "$node_root"
  done
  for ((n = 1; n <= node_count; n++)); do
    wait_for "$(node_part "$n")" "node $(node_name "$n") to be Ready" 120 node_ready "$(node_name "$n")"
  done
fi

# ---- the operator on a real node: installed as README tells users, without cert-manager ---------------------------
if [ "$with_operator" = 1 ] && [ "$with_node" = kubelet ]; then
  KUBECONFIG="$dir/kubeconfig" bash "$here/install-operator.sh" "$repo/deploy" >&2
fi

# ---- the operator: CRDs and RBAC from the repo, the webhook on loopback with our CA ------------------------------
if [ "$with_operator" = 1 ] && [ "$with_node" != kubelet ]; then
  k apply -f "$repo/crds/" >/dev/null
  k apply -f "$repo/deploy/namespace.yaml" -f "$repo/deploy/serviceaccount.yaml" \
    -f "$repo/deploy/clusterrole.yaml" -f "$repo/deploy/clusterrolebinding.yaml" \
    -f "$repo/deploy/role.yaml" -f "$repo/deploy/rolebinding.yaml" >/dev/null
  wait_for kube-apiserver "the CRDs to be established" 60 k wait --for condition=established --timeout 5s crd/vmtemplates.vmtemplating.io crd/vmclones.vmtemplating.io
  # the operator runs as its ServiceAccount, as the Deployment would: a token from the TokenRequest API
  token=$(k -n vmtemplating-system create token vmtemplating-operator --duration 48h)
  write_kubeconfig "$dir/operator.kubeconfig" "$api_port" "$dir/pki" "" "$token"
  # a build of the artifact happens here when it is missing, outside start_part's timing
  [ -f "$repo/target/quarkus-app/quarkus-run.jar" ] || (cd "$repo" && mvn -B -q package -DskipTests) >&2
  KUBECONFIG="$dir/operator.kubeconfig" QUARKUS_PROFILE=cluster \
  QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$op_http_port" QUARKUS_HTTP_SSL_PORT="$op_https_port" \
  QUARKUS_HTTP_SSL_CERTIFICATE_FILES="$dir/pki/webhook.crt" QUARKUS_HTTP_SSL_CERTIFICATE_KEY_FILES="$dir/pki/webhook.key" \
    start_part operator "$dir" "$repo/vmt" operator
  wait_for operator "the operator to be ready" 120 curl -sf "http://127.0.0.1:$op_http_port/q/health/ready"
  # deploy/webhook.yaml with the Service reference swapped for this loopback URL and our CA
  KUBECONFIG="$dir/kubeconfig" python3 "$here/webhook_config.py" "$repo/deploy/webhook.yaml" "https://127.0.0.1:$op_https_port" "$dir/pki/ca.crt" \
    > "$dir/webhook.json"
  k apply -f "$dir/webhook.json" >/dev/null
fi

started_ok=1
say "up: kubectl --kubeconfig $dir/kubeconfig get nodes   (logs: $dir/logs, stop: make cluster-down)"
echo "$dir/kubeconfig"
