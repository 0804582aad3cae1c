package io.vmtemplating.local;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real cluster named by a kubeconfig (`vmt run --kubeconfig`): nothing is started or stopped here, the operator
 * and its webhook must be installed there (README "Install on a cluster", or `make cluster`).
 */
public final class KubeconfigSession implements VmSession {
    private final KubernetesClient client;
    private final String namespace;

    private KubeconfigSession(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /**
     * @param namespace the namespace for objects without one; null takes the kubeconfig context's, else "default"
     * @throws IllegalArgumentException with one line for the user when the file or the server is unusable
     */
    public static KubeconfigSession connect(Path kubeconfig, String namespace) {
        String text;
        try {
            text = Files.readString(kubeconfig);
        } catch (IOException e) {
            throw new IllegalArgumentException("--kubeconfig " + kubeconfig + ": cannot read it (" + e.getMessage()
                    + "); give the kubeconfig of a running cluster, e.g. .cluster/kubeconfig after `make cluster`");
        }
        Config config;
        try {
            config = Config.fromKubeconfig(null, text, kubeconfig.toAbsolutePath().toString());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--kubeconfig " + kubeconfig + ": not a usable kubeconfig (" + e.getMessage() + ")");
        }
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        try {
            client.getKubernetesVersion();
        } catch (KubernetesClientException e) {
            client.close();
            throw new IllegalArgumentException("cannot reach the API server at " + config.getMasterUrl() + " (from --kubeconfig "
                    + kubeconfig + "): " + rootMessage(e) + "; is the cluster up? (make cluster)");
        }
        String ns = namespace != null ? namespace : config.getNamespace() != null ? config.getNamespace() : "default";
        return new KubeconfigSession(client, ns);
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    @Override
    public KubernetesClient client() {
        return client;
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public String describe() {
        return "cluster at " + client.getConfiguration().getMasterUrl() + ", namespace " + namespace;
    }

    @Override
    public void close() {
        client.close();
    }
}
