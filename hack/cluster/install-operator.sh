#!/usr/bin/env bash
# install-operator.sh KUSTOMIZATION: the operator installed into the cluster of $KUBECONFIG exactly as README tells
# users — `kubectl apply -f crds/ && kubectl apply -k KUSTOMIZATION`, then the webhook's TLS without cert-manager
# (hack/webhook-tls.sh) — and waits until its Deployment is available and the webhook answers through its Service.
# KUSTOMIZATION is deploy/ (make cluster NODE=kubelet) or a copy with another image set (the end-to-end test).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
kustomization=${1:?usage: install-operator.sh KUSTOMIZATION-DIR}
say() { echo "install: $*" >&2; }
t0=$(date +%s)
kubectl apply -f "$repo/crds/" >/dev/null
# a CRD the API server has not written a status for yet makes kubectl wait fail at once (".status.conditions accessor
# error: <nil>", seen under load) instead of waiting: asked again until the deadline
deadline=$(( $(date +%s) + 60 ))
until out=$(kubectl wait --for condition=established --timeout 60s crd/vmtemplates.vmtemplating.io \
    crd/vmclones.vmtemplating.io crd/vmclonepools.vmtemplating.io 2>&1); do
  if [ "$(date +%s)" -ge "$deadline" ]; then say "the CRDs of crds/ are not Established after 60 s: $out"; exit 1; fi
  sleep 1
done
kubectl apply -k "$kustomization" >/dev/null
bash "$repo/hack/webhook-tls.sh"
if ! kubectl -n vmtemplating-system rollout status deployment/vmtemplating-operator --timeout 300s >&2; then
  say "the operator's Deployment did not become available; its pods:"
  kubectl -n vmtemplating-system get pods -o wide >&2 || true
  kubectl -n vmtemplating-system describe pods | tail -25 | sed 's/^/  | /' >&2 || true
  exit 1
fi
# the webhook through its Service: a server-side dry run of a valid template is admitted only when it answers
deadline=$(( $(date +%s) + 120 ))
until out=$(kubectl create --dry-run=server -n default -f "$repo/samples/demo/template.yaml" 2>&1); do
  if [ "$(date +%s)" -ge "$deadline" ]; then say "the webhook does not answer through its Service: $out"; exit 1; fi
  sleep 1
done
say "operator installed and its webhook answering ($(( $(date +%s) - t0 )) s)"
