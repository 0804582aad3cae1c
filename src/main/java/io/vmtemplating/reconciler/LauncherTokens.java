package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vmtemplating.launcher.PodContract;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The launcher API's token of each namespace (docs/security.md, "The launcher's API"): one Secret
 * {@link PodContract#TOKEN_SECRET} per namespace with launcher pods, made by the operator before its first pod there,
 * mounted by every template and clone pod of the namespace. Per namespace rather than per pod: one Secret write per
 * namespace instead of one per clone, and the operator reads it back after a restart with a `get` its ClusterRole
 * grants on this one name only. Tokens are cached: the API server is asked once per namespace and process.
 */
public class LauncherTokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KubernetesClient client;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    public LauncherTokens(KubernetesClient client) {
        this.client = client;
    }

    /** The namespace's token, its Secret created first when there is none. */
    public String forNamespace(String namespace) {
        return tokens.computeIfAbsent(namespace, this::readOrCreate);
    }

    private String readOrCreate(String namespace) {
        String existing = read(namespace);
        if (existing != null) {
            return existing;
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Secret secret = new SecretBuilder()
                .withNewMetadata().withName(PodContract.TOKEN_SECRET).withNamespace(namespace)
                    .addToLabels("app.kubernetes.io/managed-by", "vmtemplating-operator").endMetadata()
                .withType("Opaque")
                // data, not stringData: a server converts one into the other, fabric8's mock does not
                .addToData(PodContract.TOKEN_KEY, Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)))
                .build();
        try {
            client.secrets().inNamespace(namespace).resource(secret).create();
            return token;
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // another operator replica (or a previous run) made it between our get and create: theirs counts
            String theirs = read(namespace);
            if (theirs == null) {
                throw new IllegalStateException("Secret " + namespace + "/" + PodContract.TOKEN_SECRET + " exists but has no key "
                        + PodContract.TOKEN_KEY + "; delete it and the operator makes a new one");
            }
            return theirs;
        }
    }

    private String read(String namespace) {
        Secret secret = client.secrets().inNamespace(namespace).withName(PodContract.TOKEN_SECRET).get();
        if (secret == null || secret.getData() == null || secret.getData().get(PodContract.TOKEN_KEY) == null) {
            return null;
        }
        return new String(Base64.getDecoder().decode(secret.getData().get(PodContract.TOKEN_KEY)), StandardCharsets.UTF_8).strip();
    }
}
