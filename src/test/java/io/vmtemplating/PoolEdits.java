package io.vmtemplating;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.api.v1alpha1.VmClonePool;
import io.vmtemplating.api.v1alpha1.VmClonePoolSpec;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A pool's spec changed as `kubectl patch` or `kubectl scale` would: a merge patch without the object's
 * resourceVersion. A read-modify-write with it (fabric8's edit) races the operator's status writes and fails with a
 * conflict now and then; the operator never writes a pool's spec, so nothing is lost without it.
 */
public final class PoolEdits {
    private PoolEdits() {
    }

    public static VmClonePool change(KubernetesClient client, String namespace, String name, UnaryOperator<VmClonePoolSpec> change) {
        VmClonePool current = client.resources(VmClonePool.class).inNamespace(namespace).withName(name).get();
        return client.resources(VmClonePool.class).inNamespace(namespace).withName(name)
                .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("spec", change.apply(current.getSpec()))));
    }

    public static VmClonePool scale(KubernetesClient client, String namespace, String name, int replicas) {
        return change(client, namespace, name, spec -> new VmClonePoolSpec(spec.templateRef(), replicas, spec.memory(), spec.portForwards()));
    }
}
