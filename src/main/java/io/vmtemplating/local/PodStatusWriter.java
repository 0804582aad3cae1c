package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Writes pod status through the status subresource, each status computed from the pod as it is at that moment (what
 * the API server and others wrote is carried over, {@link PodStatuses}). A container's end is the last word: once
 * it is written no running status may follow (the API server refuses a terminated container that runs again).
 */
final class PodStatusWriter {
    private static final Logger LOG = Logger.getLogger(PodStatusWriter.class);
    private final KubernetesClient client;
    /** Pods whose container ended (keys of {@link LocalNode}). */
    private final Set<String> ended = ConcurrentHashMap.newKeySet();

    PodStatusWriter(KubernetesClient client) {
        this.client = client;
    }

    /** @param status the new status from the pod as it is now */
    void write(Pod pod, java.util.function.Function<Pod, PodStatus> status) {
        try {
            // a conflict (the pod changed between read and write: its deletion began, say) must not lose a status,
            // least of all a container's end
            OnConflict.retry(() -> client.pods().inNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName())
                    .editStatus(current -> {
                        current.setStatus(status.apply(current));
                        return current;
                    }));
        } catch (KubernetesClientException e) {
            LOG.debugf("pod %s/%s status not written: %s", pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                    e.getMessage());
        }
    }

    /** A running container's status, unless its end was written meanwhile. */
    synchronized void writeRunning(String key, Pod pod, java.util.function.Function<Pod, PodStatus> status) {
        if (!ended.contains(key)) {
            write(pod, status);
        }
    }

    /** The container's end; from now on only other ends are written for this pod. */
    synchronized void writeEnd(String key, Pod pod, java.util.function.Function<Pod, PodStatus> status) {
        ended.add(key);
        write(pod, status);
    }

    /** The pod is gone: nothing more is written for it. */
    void forget(String key) {
        ended.remove(key);
    }

    /** For the mock API server's scheduler: a change of the pod itself (its binding), not of its status. */
    void edit(Pod pod, UnaryOperator<Pod> change) {
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).edit(change);
        } catch (KubernetesClientException e) {
            LOG.debugf("pod %s/%s not updated: %s", pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                    e.getMessage());
        }
    }
}
