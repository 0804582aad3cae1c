package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmClonePool;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import java.util.List;

/**
 * The garbage collector's part for the mock API server, which has none: a pod whose controlling owner (one of our
 * kinds) no longer exists is deleted. A real control plane's kube-controller-manager does this itself.
 */
final class OrphanCollector {
    private final KubernetesClient client;

    OrphanCollector(KubernetesClient client) {
        this.client = client;
    }

    void collectIfOrphaned(Pod pod) {
        List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
        if (owners == null || owners.isEmpty() || pod.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        OwnerReference owner = owners.get(0);
        Class<? extends HasMetadata> type = switch (owner.getKind()) {
            case "VmTemplate" -> VmTemplate.class;
            case "VmClone" -> VmClone.class;
            case "VmClonePool" -> VmClonePool.class;
            default -> null;
        };
        if (type == null) {
            return;
        }
        var existing = client.resources(type).inNamespace(pod.getMetadata().getNamespace()).withName(owner.getName()).get();
        if (existing == null || !owner.getUid().equals(existing.getMetadata().getUid())) {
            client.resource(pod).delete();
        }
    }
}
