package io.vmtemplating.local;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A real cluster (`vmt run --kubeconfig`): nothing is started or stopped here, the operator and its webhook must be
 * installed there (README "Install on a cluster", or `make cluster`). The client comes checked from the caller.
 */
public final class KubeconfigSession implements VmSession {
    private final KubernetesClient client;
    private final String namespace;

    /** @param namespace the namespace for objects without one */
    public KubeconfigSession(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
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
