package io.vmtemplating.reconciler;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClonePool;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.types.Condition;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A pool larger than its node (issue 16, bad input): the node (here the test, playing the kubelet) rejects members it
 * has no room for; the pool says so in CapacityLimited and does not replace them in a loop.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class PoolCapacityIT {
    private static final String NS = "capacity";

    @Inject
    KubernetesClient client;

    private List<Pod> members() {
        return client.pods().inNamespace(NS).withLabel(VmResources.LABEL_POOL, "big").list().getItems();
    }

    private void reject(Pod pod) {
        client.pods().inNamespace(NS).withName(pod.getMetadata().getName()).editStatus(p -> {
            p.setStatus(new PodStatusBuilder().withPhase("Failed").withReason("OutOfmemory")
                    .withMessage("Pod was rejected: Node didn't have enough resource: memory, requested: 805306368,"
                            + " used: 1610612736, capacity: 2147483648").build());
            return p;
        });
    }

    @Test
    void aPoolLargerThanItsNodeSaysSoAndDoesNotChurn() throws Exception {
        VmTemplate template = client.resource(Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmTemplate
                metadata: {name: t, namespace: %s}
                spec:
                  memory: {size: 512Mi}
                  boot:
                    kernel: {hostPath: {path: /var/lib/vmtemplating/guest/vmlinuz}}
                    cmdline: console=ttyS0
                  freeze: {trigger: SerialConsole, serialConsolePattern: GUEST-READY}
                """.formatted(NS), VmTemplate.class)).create();
        KubeletSimulator kubelet = new KubeletSimulator(client);
        await().atMost(Duration.ofSeconds(15)).until(() -> client.pods().inNamespace(NS).withName("t-build-1").get() != null);
        Pod build = client.pods().inNamespace(NS).withName("t-build-1").get();
        kubelet.scheduled(build, "node-a");
        kubelet.terminated(build, true, 0, KubeletSimulator.FROZEN_RESULT);
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            VmTemplate t = client.resources(VmTemplate.class).inNamespace(NS).withName("t").get();
            return t.getStatus() != null && t.getStatus().phase() == TemplatePhase.Ready;
        });

        client.resource(Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClonePool
                metadata: {name: big, namespace: %s}
                spec:
                  templateRef: {name: t}
                  replicas: 3
                """.formatted(NS), VmClonePool.class)).create();
        await().atMost(Duration.ofSeconds(15)).until(() -> members().size() == 3);
        List<Pod> first = members();
        kubelet.running(first.get(0), true, "10.0.0.5");
        reject(first.get(1));
        reject(first.get(2));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            VmClonePool pool = client.resources(VmClonePool.class).inNamespace(NS).withName("big").get();
            Condition limited = pool.getStatus().conditions().stream().filter(c -> c.type().equals(Conditions.CAPACITY_LIMITED))
                    .findFirst().orElseThrow(() -> new AssertionError(String.valueOf(pool.getStatus())));
            assertEquals(List.of(Conditions.TRUE, Conditions.REASON_UNSCHEDULABLE), List.of(limited.status(), limited.reason()));
            assertEquals("2 of 3 members do not fit on the template's node (OutOfmemory: Pod was rejected: Node didn't have"
                    + " enough resource: memory, requested: 805306368, used: 1610612736, capacity: 2147483648); each is tried"
                    + " again every 60 s, not recreated in a loop. Lower spec.replicas from 3 to 1 or give the node more room",
                    limited.message());
            assertEquals(1, pool.getStatus().readyReplicas());
        });
        // no churn: for the next seconds the same three pods, nothing deleted or added
        Set<String> names = new HashSet<>(first.stream().map(p -> p.getMetadata().getName()).toList());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            assertEquals(names, new HashSet<>(members().stream().map(p -> p.getMetadata().getName()).toList()));
            Thread.sleep(250);
        }
        assertTrue(client.v1().events().inNamespace(NS).list().getItems().stream()
                .anyMatch(e -> "CapacityLimited".equals(e.getReason())), "a Warning event says it once");

        // lowering replicas to what fits: the rejected go (not Ready: trimmed first) and the condition clears
        io.vmtemplating.PoolEdits.scale(client, NS, "big", 1);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            VmClonePool pool = client.resources(VmClonePool.class).inNamespace(NS).withName("big").get();
            assertEquals(Conditions.FALSE, pool.getStatus().conditions().stream()
                    .filter(c -> c.type().equals(Conditions.CAPACITY_LIMITED)).findFirst().orElseThrow().status());
        });
    }
}
