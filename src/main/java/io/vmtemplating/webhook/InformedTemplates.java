package io.vmtemplating.webhook;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.vmtemplating.api.v1alpha1.VmTemplate;

/** The webhook's template lookup for clone reviews ({@link InformedLookup}). */
public final class InformedTemplates extends InformedLookup<VmTemplate> implements TemplateLookup {

    private InformedTemplates(KubernetesClient client) {
        super(client, VmTemplate.class);
    }

    public static InformedTemplates start(KubernetesClient client) {
        return new InformedTemplates(client);
    }
}
