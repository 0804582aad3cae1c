package io.vmtemplating.webhook;

import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The webhook's template and pool caches: one watch each for the process, closed with it. */
public class WebhookBeans {

    @Produces
    @Singleton
    InformedTemplates informedTemplates(KubernetesClient client) {
        return InformedTemplates.start(client);
    }

    void close(@Disposes InformedTemplates templates) {
        templates.close();
    }

    @Produces
    @Singleton
    InformedPools informedPools(KubernetesClient client) {
        return InformedPools.start(client);
    }

    void close(@Disposes InformedPools pools) {
        pools.close();
    }
}
