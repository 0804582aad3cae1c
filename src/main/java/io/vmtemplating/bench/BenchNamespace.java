package io.vmtemplating.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The namespace one bench run works in, made for it and deleted after. Labelled privileged for Pod Security as
 * deploy/namespace.yaml is: clone pods map node memory files and use /dev/kvm, and the API server's PodSecurity
 * admission would refuse them in a baseline namespace.
 */
final class BenchNamespace {
    private static final Duration GONE_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration WEBHOOK_GONE_TIMEOUT = Duration.ofSeconds(10);

    private BenchNamespace() {
    }

    /** @return the new namespace's name (vmt-bench-xxxxx: a name of its own, so a run never meets a previous one's objects) */
    static String create(KubernetesClient admin) {
        Namespace namespace = admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withGenerateName("vmt-bench-")
                .addToLabels("pod-security.kubernetes.io/enforce", "privileged")
                .addToLabels("pod-security.kubernetes.io/warn", "privileged")
                .addToLabels("pod-security.kubernetes.io/audit", "privileged")
                .addToLabels("app.kubernetes.io/managed-by", ClusterInstall.MANAGED_BY)
                .endMetadata().build()).create();
        return namespace.getMetadata().getName();
    }

    /**
     * Deletes what the run made in the namespace, then the namespace, once no operator runs for it. Its pods name a
     * node, so without a kubelet to confirm their end a graceful delete would leave them Terminating for good: they go
     * with grace period 0. The templates' finalizer belongs to the operator, stopped by now: removed by hand. The bench
     * deletes its objects itself rather than leaving them to the namespace controller, so that they are gone even
     * where that controller cannot finish (hack/cluster's controller-manager lacks the rights; see
     * docs/benchmarks-real-apiserver.md); a namespace left Terminating is then empty of them, and named by one line.
     */
    static void delete(KubernetesClient admin, String namespace, PrintStream err) throws InterruptedException {
        admin.pods().inNamespace(namespace).withGracePeriod(0).delete();
        removeFinalizers(admin.resources(VmTemplate.class).inNamespace(namespace).list().getItems(), admin);
        removeFinalizers(admin.resources(VmClone.class).inNamespace(namespace).list().getItems(), admin);
        admin.resources(VmClone.class).inNamespace(namespace).delete();
        admin.resources(VmTemplate.class).inNamespace(namespace).delete();
        admin.v1().events().inNamespace(namespace).delete();
        admin.namespaces().withName(namespace).delete();
        long deadline = System.nanoTime() + GONE_TIMEOUT.toNanos();
        while (admin.namespaces().withName(namespace).get() != null) {
            if (System.nanoTime() > deadline) {
                err.printf("vmt bench: namespace %s (emptied of the bench's objects) is still Terminating after %d s: the cluster's"
                        + " namespace controller has not finished it; kube-controller-manager's log says why%n",
                        namespace, GONE_TIMEOUT.toSeconds());
                return;
            }
            Thread.sleep(250);
        }
    }

    /**
     * An UPDATE, which the webhook reviews: right after its registration was deleted the API server may still call it
     * for a moment, and fail the update if the webhook is gone already (Ctrl-C reaches the child JVMs too), so a
     * failure is retried for a few seconds.
     */
    private static void removeFinalizers(List<? extends HasMetadata> objects, KubernetesClient admin) throws InterruptedException {
        for (HasMetadata object : objects) {
            if (object.getMetadata().getFinalizers() == null || object.getMetadata().getFinalizers().isEmpty()) {
                continue;
            }
            long deadline = System.nanoTime() + WEBHOOK_GONE_TIMEOUT.toNanos();
            while (true) {
                try {
                    admin.resource(object).edit(o -> {
                        o.getMetadata().setFinalizers(List.of());
                        return o;
                    });
                    break;
                } catch (KubernetesClientException e) {
                    if (e.getCode() == 404) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(250);
                }
            }
        }
    }
}
