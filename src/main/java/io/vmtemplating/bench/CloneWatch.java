package io.vmtemplating.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vmtemplating.api.v1alpha1.ClonePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The benches' clock for "VmClone created → Running": a watch on a namespace's VmClones that notes, per clone, the
 * first moment its status said Running as the API server's watch delivered it, and the launcher's restore time once a
 * status carries it (with the Running status or in an update after it).
 */
final class CloneWatch implements AutoCloseable {
    private final Map<String, Long> runningAt = new ConcurrentHashMap<>();
    private final Map<String, Long> restoreMillis = new ConcurrentHashMap<>();
    private final SharedIndexInformer<VmClone> informer;

    private CloneWatch(KubernetesClient client, String namespace) {
        this.informer = client.resources(VmClone.class).inNamespace(namespace).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(VmClone clone) {
                seen(clone);
            }

            @Override
            public void onUpdate(VmClone before, VmClone clone) {
                seen(clone);
            }

            @Override
            public void onDelete(VmClone clone, boolean unknown) {
            }
        });
    }

    static CloneWatch start(KubernetesClient client, String namespace) {
        return new CloneWatch(client, namespace);
    }

    private void seen(VmClone clone) {
        if (clone.getStatus() == null) {
            return;
        }
        if (clone.getStatus().phase() == ClonePhase.Running) {
            runningAt.putIfAbsent(clone.getMetadata().getName(), System.nanoTime());
        }
        if (clone.getStatus().restoreMillis() != null) {
            restoreMillis.putIfAbsent(clone.getMetadata().getName(), clone.getStatus().restoreMillis());
        }
    }

    /** Clone name → System.nanoTime() when the watch first showed it Running (live: filled as events arrive). */
    Map<String, Long> runningAt() {
        return runningAt;
    }

    /** Clone name → the launcher's restore time in its status (live). */
    Map<String, Long> restoreMillis() {
        return restoreMillis;
    }

    @Override
    public void close() {
        informer.close();
    }
}
