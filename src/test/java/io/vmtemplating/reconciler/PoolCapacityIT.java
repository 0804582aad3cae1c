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

    private void readyTemplate(String name) {
        client.resource(Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmTemplate
                metadata: {name: %s, namespace: %s}
                spec:
                  memory: {size: 512Mi}
                  boot:
                    kernel: {hostPath: {path: /var/lib/vmtemplating/guest/vmlinuz}}
                    cmdline: console=ttyS0
                  freeze: {trigger: SerialConsole, serialConsolePattern: GUEST-READY}
                """.formatted(name, NS), VmTemplate.class)).create();
        KubeletSimulator kubelet = new KubeletSimulator(client);
        await().atMost(Duration.ofSeconds(15)).until(() -> client.pods().inNamespace(NS).withName(name + "-build-1").get() != null);
        Pod build = client.pods().inNamespace(NS).withName(name + "-build-1").get();
        kubelet.scheduled(build, "node-a");
        kubelet.terminated(build, true, 0, KubeletSimulator.FROZEN_RESULT);
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            VmTemplate t = client.resources(VmTemplate.class).inNamespace(NS).withName(name).get();
            return t.getStatus() != null && t.getStatus().phase() == TemplatePhase.Ready;
        });
    }

    private void pool(String name, String template, int replicas) {
        client.resource(Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClonePool
                metadata: {name: %s, namespace: %s}
                spec:
                  templateRef: {name: %s}
                  replicas: %d
                """.formatted(name, NS, template, replicas), VmClonePool.class)).create();
    }

    @Test
    void aPoolLargerThanItsNodeSaysSoAndDoesNotChurn() throws Exception {
        readyTemplate("t");
        KubeletSimulator kubelet = new KubeletSimulator(client);
        pool("big", "t", 3);
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

    @Test
    void aPoolWhoseMembersFailAtStartSaysSoAndDoesNotChurn() throws Exception {
        readyTemplate("f");
        pool("failing", "f", 2);
        KubeletSimulator kubelet = new KubeletSimulator(client);
        java.util.function.Supplier<List<Pod>> members = () -> client.pods().inNamespace(NS)
                .withLabel(VmResources.LABEL_POOL, "failing").list().getItems();
        await().atMost(Duration.ofSeconds(15)).until(() -> members.get().size() == 2);
        List<Pod> first = members.get();
        for (Pod member : first) {
            kubelet.scheduled(member, "node-a");
            kubelet.terminated(member, false, 1, "{\"outcome\":\"Failed\",\"error\":\"qemu-system-x86_64: cannot restore: device state mismatch\"}");
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            VmClonePool pool = client.resources(VmClonePool.class).inNamespace(NS).withName("failing").get();
            Condition ready = pool.getStatus().conditions().stream().filter(c -> c.type().equals(Conditions.READY))
                    .findFirst().orElseThrow(() -> new AssertionError(String.valueOf(pool.getStatus())));
            assertEquals(List.of(Conditions.FALSE, VmClonePoolReconciler.REASON_MEMBERS_FAILING), List.of(ready.status(), ready.reason()),
                    ready.message());
            assertEquals("0 of 2 members Ready; 2 failed within 60 s of being made (last: qemu-system-x86_64: cannot restore: device"
                    + " state mismatch); each such slot is tried again 60 s after its member was made, not recreated in a loop;"
                    + " claims take the cold path while no member is Ready", ready.message());
        });
        // no churn: the failed members keep their slots, nothing is deleted or added
        Set<String> names = new HashSet<>(first.stream().map(p -> p.getMetadata().getName()).toList());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            assertEquals(names, new HashSet<>(members.get().stream().map(p -> p.getMetadata().getName()).toList()));
            Thread.sleep(250);
        }
        assertTrue(client.v1().events().inNamespace(NS).list().getItems().stream()
                .anyMatch(e -> VmClonePoolReconciler.REASON_MEMBERS_FAILING.equals(e.getReason())), "a Warning event says it");
    }
}
