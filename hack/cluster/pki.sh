#!/usr/bin/env bash
# pki.sh DIR [NODES]: a CA, the API server's serving certificate, client certificates for each control-plane part,
# the webhook's serving certificate (IP SAN 127.0.0.1: the API server calls it by URL), a service-account key pair.
set -euo pipefail
d=$1
mkdir -p "$d"
cd "$d"
# RSA: fabric8's client (the local node, the tests) reads PKCS#8 RSA keys, not PKCS#8 EC ones ("Invalid DER")
key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null; }
# cert NAME SUBJECT [SANS] [EXTENDED-USAGE]
cert() {
  local name=$1 subject=$2 sans=${3:-} usage=${4:-clientAuth}
  key "$name"
  openssl req -new -key "$name.key" -subj "$subject" -out "$name.csr" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$usage"
    [ -n "$sans" ] && echo "subjectAltName=$sans"
  } > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -extfile "$name.ext" \
    -out "$name.crt" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}
key ca
openssl req -x509 -new -key ca.key -subj "/CN=vmt-cluster-ca" -days 30 -out ca.crt 2>/dev/null
cert apiserver "/CN=kube-apiserver" \
  "IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" \
  serverAuth
cert admin "/O=system:masters/CN=vmt-admin"
cert controller-manager "/CN=system:kube-controller-manager"
cert scheduler "/CN=system:kube-scheduler"
cert node "/O=system:nodes/CN=system:node:local-node"
# more local nodes (make cluster NODES=3): the Node authorizer lets each node read and write only its own Node
for ((n = 2; n <= ${2:-1}; n++)); do
  cert "node-$n" "/O=system:nodes/CN=system:node:local-node-$n"
done
# the real node (make cluster NODE=kubelet): kube-proxy (bound to system:node-proxier by the bootstrap policy), and
# the API server's client identity towards the kubelet (kubectl logs/exec)
cert kube-proxy "/CN=system:kube-proxy"
cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
cert webhook "/CN=vmtemplating-webhook.vmtemplating-system.svc" \
  "IP:127.0.0.1,DNS:vmtemplating-webhook.vmtemplating-system.svc" serverAuth
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key 2>/dev/null
openssl pkey -in sa.key -pubout -out sa.pub 2>/dev/null
chmod 600 ./*.key
