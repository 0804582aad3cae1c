package io.vmtemplating.bench;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

/**
 * A kubeconfig for the operator's ServiceAccount with a token from the TokenRequest API, as hack/cluster/up.sh writes
 * one for `vmt operator`: the operator and webhook under test make every call under that name, checked by RBAC, as
 * in their Deployment. The server and its CA are the admin kubeconfig's.
 */
final class ServiceAccountKubeconfig {
    /** Longer than any bench run; the token dies with its file's use. */
    private static final long TOKEN_SECONDS = 2 * 3600;

    private ServiceAccountKubeconfig() {
    }

    static Path write(KubernetesClient admin, Config adminConfig, ServiceAccount account, Path file) throws IOException {
        TokenRequest request = admin.serviceAccounts().inNamespace(account.getMetadata().getNamespace())
                .withName(account.getMetadata().getName())
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(TOKEN_SECONDS).endSpec().build());
        String yaml = text(adminConfig.getMasterUrl(), certificateAuthority(adminConfig), adminConfig.isTrustCerts(),
                request.getStatus().getToken());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, yaml);
        return file;
    }

    /** The kubeconfig's text: the admin's CA inline (base64 PEM), its insecure flag, or neither (the system's CAs). */
    static String text(String server, String caBase64, boolean insecure, String token) {
        String cluster = insecure ? "    insecure-skip-tls-verify: true\n"
                : caBase64 != null ? "    certificate-authority-data: " + caBase64 + "\n" : "";
        return "apiVersion: v1\nkind: Config\nclusters:\n- name: bench\n  cluster:\n    server: " + server + "\n" + cluster
                + "users:\n- name: operator\n  user:\n    token: " + token + "\n"
                + "contexts:\n- name: bench\n  context: {cluster: bench, user: operator}\ncurrent-context: bench\n";
    }

    private static String certificateAuthority(Config config) throws IOException {
        if (config.getCaCertData() != null && !config.getCaCertData().isBlank()) {
            return config.getCaCertData();
        }
        if (config.getCaCertFile() != null && !config.getCaCertFile().isBlank()) {
            return Base64.getEncoder().encodeToString(Files.readString(Path.of(config.getCaCertFile())).getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }
}
