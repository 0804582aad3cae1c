package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Volume file contents from the API server: ConfigMaps, Secrets and bound service account tokens. */
final class ClusterVolumeSources implements VolumeFiles.Sources {
    private final KubernetesClient client;

    ClusterVolumeSources(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<Map<String, byte[]>> configMap(String namespace, String name) {
        ConfigMap configMap = client.configMaps().inNamespace(namespace).withName(name).get();
        if (configMap == null) {
            return Optional.empty();
        }
        Map<String, byte[]> files = new HashMap<>();
        Objects.requireNonNullElse(configMap.getData(), Map.<String, String>of())
                .forEach((key, value) -> files.put(key, value.getBytes(StandardCharsets.UTF_8)));
        Objects.requireNonNullElse(configMap.getBinaryData(), Map.<String, String>of())
                .forEach((key, value) -> files.put(key, Base64.getDecoder().decode(value)));
        return Optional.of(files);
    }

    @Override
    public Optional<Map<String, byte[]>> secret(String namespace, String name) {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret == null) {
            return Optional.empty();
        }
        Map<String, byte[]> files = new HashMap<>();
        Objects.requireNonNullElse(secret.getData(), Map.<String, String>of())
                .forEach((key, value) -> files.put(key, Base64.getDecoder().decode(value)));
        return Optional.of(files);
    }

    @Override
    public String serviceAccountToken(Pod pod, String audience, long expirationSeconds) {
        String account = Objects.requireNonNullElse(pod.getSpec().getServiceAccountName(), "default");
        var request = new TokenRequestBuilder().withNewSpec()
                // none: the API server's own audience, as for kube-api-access volumes
                .withAudiences(audience == null || audience.isEmpty() ? List.of() : List.of(audience))
                .withExpirationSeconds(expirationSeconds)
                .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod")
                    .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).endBoundObjectRef()
                .endSpec().build();
        return client.serviceAccounts().inNamespace(pod.getMetadata().getNamespace()).withName(account)
                .tokenRequest(request).getStatus().getToken();
    }
}
