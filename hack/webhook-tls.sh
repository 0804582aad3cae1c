#!/usr/bin/env bash
# The admission webhook's TLS without cert-manager (README "Install on a cluster", docs/webhook.md): a CA of its own,
# a serving certificate for the webhook Service's DNS names signed by it, the Secret the operator mounts
# (vmtemplating-webhook-tls, created or replaced), and the CA as caBundle of both webhooks. Run it after
# `kubectl apply -k deploy/`, against the current kube context (kubectl, openssl). The CA's key is not kept: to renew,
# run it again (the operator reloads its certificate within vmt's reload period, 1 h; restart it to apply at once).
#   VMT_WEBHOOK_DAYS   validity of the serving certificate (default 825)
set -euo pipefail
ns=vmtemplating-system svc=vmtemplating-webhook config=vmtemplating-validation
days=${VMT_WEBHOOK_DAYS:-825}
for tool in kubectl openssl base64; do
  command -v "$tool" >/dev/null || { echo "webhook-tls: needs $tool on PATH" >&2; exit 1; }
done
kubectl get validatingwebhookconfiguration "$config" >/dev/null 2>&1 \
  || { echo "webhook-tls: no ValidatingWebhookConfiguration $config in this cluster: run kubectl apply -k deploy/ first" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
openssl req -x509 -newkey rsa:2048 -nodes -days "$days" -subj "/CN=vmtemplating-webhook-ca" -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=$svc.$ns.svc" -keyout tls.key -out tls.csr 2>/dev/null
printf 'subjectAltName=DNS:%s.%s.svc,DNS:%s.%s.svc.cluster.local\nextendedKeyUsage=serverAuth\n' "$svc" "$ns" "$svc" "$ns" > san.ext
openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" -extfile san.ext -out tls.crt 2>/dev/null
kubectl -n "$ns" create secret tls vmtemplating-webhook-tls --cert=tls.crt --key=tls.key --dry-run=client -o yaml \
  | kubectl apply -f - >/dev/null
ca=$(base64 -w0 < ca.crt)
kubectl patch validatingwebhookconfiguration "$config" --type=json -p "[
  {\"op\":\"add\",\"path\":\"/webhooks/0/clientConfig/caBundle\",\"value\":\"$ca\"},
  {\"op\":\"add\",\"path\":\"/webhooks/1/clientConfig/caBundle\",\"value\":\"$ca\"}]" >/dev/null
echo "webhook-tls: Secret $ns/vmtemplating-webhook-tls and the caBundle of $config set (valid $days days)" >&2
