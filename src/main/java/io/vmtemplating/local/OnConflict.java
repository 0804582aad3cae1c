package io.vmtemplating.local;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Supplier;

/**
 * Read-modify-write against a real API server, again when someone else wrote in between (HTTP 409). The Node is
 * also written by the node-lifecycle controller (taints) and the Lease by nobody else, but a kubelet retries both,
 * as client-go's RetryOnConflict does.
 */
final class OnConflict {
    static final int ATTEMPTS = 5;

    private OnConflict() {
    }

    /** Runs {@code write} (which reads the object afresh) until it succeeds or fails other than by a conflict. */
    static <T> T retry(Supplier<T> write) {
        for (int attempt = 1; ; attempt++) {
            try {
                return write.get();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
