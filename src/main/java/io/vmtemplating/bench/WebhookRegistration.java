package io.vmtemplating.bench;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * deploy/webhook.yaml registered for the bench's own webhook, the way hack/cluster/webhook_config.py registers the
 * operator's: each webhook's Service reference becomes a loopback URL plus its path, with the certificate as caBundle.
 * The webhook names, rules and failure policy stay as deployed (the API server's metrics are labelled by those
 * names). Two changes: its own name, and a namespaceSelector for the bench's namespace, so that the registration
 * touches nothing else in the cluster, and one left behind by a killed bench is inert once its namespace is gone.
 */
final class WebhookRegistration {
    private WebhookRegistration() {
    }

    static ValidatingWebhookConfiguration deployed(KubernetesClient admin, Path home) throws IOException {
        try (InputStream in = Files.newInputStream(home.resolve("deploy/webhook.yaml"))) {
            return admin.getKubernetesSerialization().unmarshal(in, ValidatingWebhookConfiguration.class);
        }
    }

    /** The registration for a webhook served at {@code baseUrl} (https://127.0.0.1:PORT) for {@code namespace}. */
    static ValidatingWebhookConfiguration forBench(ValidatingWebhookConfiguration deployed, String baseUrl, String caPem,
            String namespace) {
        String caBundle = Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.UTF_8));
        ValidatingWebhookConfiguration bench = new ValidatingWebhookConfiguration();
        bench.setMetadata(new ObjectMetaBuilder().withName(namespace)
                .addToLabels("app.kubernetes.io/managed-by", ClusterInstall.MANAGED_BY).build());
        List<ValidatingWebhook> webhooks = deployed.getWebhooks().stream().map(w -> {
            ValidatingWebhook webhook = new ValidatingWebhookBuilder(w).build();
            String path = w.getClientConfig().getService() == null || w.getClientConfig().getService().getPath() == null
                    ? "/" : w.getClientConfig().getService().getPath();
            WebhookClientConfig client = new WebhookClientConfig();
            client.setUrl(baseUrl + path);
            client.setCaBundle(caBundle);
            webhook.setClientConfig(client);
            webhook.setNamespaceSelector(new LabelSelectorBuilder()
                    .addToMatchLabels("kubernetes.io/metadata.name", namespace).build());
            return webhook;
        }).toList();
        bench.setWebhooks(webhooks);
        return bench;
    }

    /** The webhook names (which the API server labels its metrics with) by the resources their rules cover. */
    static Map<String, String> webhookByResource(ValidatingWebhookConfiguration configuration) {
        Map<String, String> names = new LinkedHashMap<>();
        for (ValidatingWebhook webhook : configuration.getWebhooks()) {
            webhook.getRules().forEach(rule -> rule.getResources().forEach(resource -> names.put(resource, webhook.getName())));
        }
        return names;
    }
}
