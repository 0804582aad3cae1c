package io.vmtemplating.reconciler;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import java.time.Duration;

/**
 * What the reconciler tests on fabric8's mock API server create in namespace default, written as a user writes it,
 * and the pods they wait for the operator to make.
 */
final class MockObjects {
    private static final Duration POD_WAIT = Duration.ofSeconds(20);

    private MockObjects() {
    }

    /** The demo's template shape (512 MiB, kernel and initrd, frozen at GUEST-READY). */
    static VmTemplate template(KubernetesClient client, String name) {
        return template(client, name, "");
    }

    /** The same with {@code placement.copies}. */
    static VmTemplate template(KubernetesClient client, String name, int copies) {
        return template(client, name, "\n  placement: {copies: " + copies + "}");
    }

    /** The demo shape with more spec lines (each starting with a newline and two spaces). */
    static VmTemplate template(KubernetesClient client, String name, String more) {
        return client.resource(Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmTemplate
                metadata: {name: %s, namespace: default}
                spec:
                  memory: {size: 512Mi}
                  boot:
                    kernel: {hostPath: {path: /var/lib/vmtemplating/guest/vmlinuz}}
                    initrd: {hostPath: {path: /var/lib/vmtemplating/guest/initrd.gz}}
                  freeze: {trigger: SerialConsole, serialConsolePattern: GUEST-READY}%s
                """.formatted(name, more), VmTemplate.class)).create();
    }

    /** A clone of {@code template} that states nothing else. */
    static VmClone clone(KubernetesClient client, String name, String template) {
        return client.resource(Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClone
                metadata: {name: %s, namespace: default}
                spec:
                  templateRef: {name: %s}
                """.formatted(name, template), VmClone.class)).create();
    }

    /** The pod named {@code name} in default, once the operator made it. */
    static Pod pod(KubernetesClient client, String name) {
        await().atMost(POD_WAIT).until(() -> client.pods().inNamespace("default").withName(name).get() != null);
        return client.pods().inNamespace("default").withName(name).get();
    }
}
