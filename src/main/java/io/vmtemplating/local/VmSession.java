package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where `vmt run` (and `vmt demo`) put the user's objects: the embedded cluster of this machine ({@link LocalSession})
 * or a real cluster named by a kubeconfig ({@link KubeconfigSession}). Both create, read and delete the same way;
 * only what they start and stop differs.
 */
public interface VmSession extends AutoCloseable {

    KubernetesClient client();

    /** The namespace objects without one go to. */
    String namespace();

    /** One line for the user: which API server this is. */
    String describe();

    @Override
    void close();

    /** Creates each object; a denied one is reported with the API server's (admission) message and skipped. */
    default List<HasMetadata> apply(List<HasMetadata> objects, PrintStream out, PrintStream err) {
        List<HasMetadata> created = new ArrayList<>();
        for (HasMetadata object : objects) {
            if (object.getMetadata().getNamespace() == null) {
                object.getMetadata().setNamespace(namespace());
            }
            String name = object.getKind() + "/" + object.getMetadata().getName();
            try {
                created.add(client().resource(object).create());
                out.println(name + " created");
            } catch (KubernetesClientException e) {
                String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
                err.println("Error from server (" + name + "): " + message);
            }
        }
        return created;
    }

    default HasMetadata fetch(HasMetadata object) {
        return client().resource(object).get();
    }

    /**
     * Deletes these objects, clones before templates (a template waits for its clones), and waits until all are
     * gone, which for a template means its files were removed from the node.
     */
    default void delete(List<HasMetadata> objects, Duration timeout) throws InterruptedException {
        List<HasMetadata> ordered = new ArrayList<>(objects.stream().filter(o -> o instanceof VmClone).toList());
        ordered.addAll(objects.stream().filter(o -> !(o instanceof VmClone) && !(o instanceof VmTemplate)).toList());
        ordered.addAll(objects.stream().filter(o -> o instanceof VmTemplate).toList());
        for (HasMetadata object : ordered) {
            try {
                client().resource(object).delete();
            } catch (KubernetesClientException e) {
                // already gone, or not ours to delete any more: the wait below tells which
            }
        }
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline) && ordered.stream().anyMatch(o -> fetch(o) != null)) {
            Thread.sleep(200);
        }
    }
}
