"""deploy/webhook.yaml for a webhook outside the cluster: each webhook's Service reference becomes URL + path, with
our CA as caBundle (what cert-manager's CA injector would add). Prints the object as JSON (kubectl apply takes it).
Usage: webhook_config.py WEBHOOK_YAML BASE_URL CA_FILE"""
import base64
import json
import subprocess
import sys

source, base_url, ca_file = sys.argv[1:4]
# kubectl reads the YAML (no PyYAML on a fresh machine)
doc = json.loads(subprocess.run(["kubectl", "create", "--dry-run=client", "-o", "json", "-f", source],
                                check=True, capture_output=True, text=True).stdout)
ca = base64.b64encode(open(ca_file, "rb").read()).decode()
doc["metadata"].get("annotations", {}).pop("cert-manager.io/inject-ca-from", None)
for webhook in doc["webhooks"]:
    service = webhook["clientConfig"].pop("service")
    webhook["clientConfig"] = {"url": base_url + service.get("path", "/"), "caBundle": ca}
json.dump(doc, sys.stdout, indent=1)
