package io.vmtemplating.webhook;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.vmtemplating.api.v1alpha1.VmClonePool;

/** The webhook's pool lookup for claim reviews ({@link InformedLookup}): a claim's admission stays off the network. */
public final class InformedPools extends InformedLookup<VmClonePool> implements PoolLookup {

    private InformedPools(KubernetesClient client) {
        super(client, VmClonePool.class);
    }

    public static InformedPools start(KubernetesClient client) {
        return new InformedPools(client);
    }
}
