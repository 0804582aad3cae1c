package io.vmtemplating.reconciler;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.local.LocalCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator really restarted: the first instance stopped with its caches, a new one started on the same API
 * server (fabric8's mock, with the CRDs). The test plays the kubelet.
 */
class OperatorRestartTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String FROZEN = KubeletSimulator.FROZEN_RESULT;

    private LocalCluster cluster;
    private KubernetesClient client;
    private Operator operator;

    @BeforeEach
    void startApiServer() throws Exception {
        cluster = LocalCluster.apiServerOnly((object, old, lookup) -> List.of());
        client = cluster.client();
    }

    @AfterEach
    void stop() {
        if (operator != null) {
            operator.stop();
        }
        cluster.close();
    }

    private Operator startOperator() {
        return LocalCluster.startOperator(client, OperatorSettings.DEFAULTS, Metrics.NOOP);
    }

    private VmTemplate template(String name) {
        return MockObjects.template(client, name);
    }

    private void awaitPhase(String name, TemplatePhase phase) {
        await().atMost(WAIT).untilAsserted(() -> {
            VmTemplate t = client.resources(VmTemplate.class).inNamespace("default").withName(name).get();
            assertEquals(phase, t.getStatus() == null ? null : t.getStatus().phase(), () -> t.getStatus() + "; build pods " + buildPods());
        });
    }

    private List<String> buildPods() {
        return new KubeletSimulator(client).pods("default", VmResources.ROLE_TEMPLATE).stream()
                .map(p -> p.getMetadata().getName()).sorted().toList();
    }

    @Test
    void aRestartedOperatorAdoptsTheBuildPodInFlightAndCreatesNoOther() {
        KubeletSimulator kubelet = new KubeletSimulator(client);
        operator = startOperator();
        template("adopt");
        await().atMost(WAIT).until(() -> !buildPods().isEmpty());
        Pod pod = client.pods().inNamespace("default").withName("adopt-build-1").get();
        kubelet.scheduled(pod, "node-a");
        kubelet.running(pod, false, "10.0.0.7");
        awaitPhase("adopt", TemplatePhase.Booting);

        operator.stop(); // the first instance is gone, and its caches with it
        operator = startOperator(); // a new one learns everything from the API server: status Booting, one pod

        // a change only the new instance can act on; it reconciled the template at its start, before this
        kubelet.running(pod, true, "10.0.0.7");
        awaitPhase("adopt", TemplatePhase.Freezing);
        assertEquals(List.of("adopt-build-1"), buildPods(), "the restarted operator created another build pod");

        kubelet.terminated(pod, true, 0, FROZEN);
        awaitPhase("adopt", TemplatePhase.Ready);
        assertEquals(List.of("adopt-build-1"), buildPods());
    }
}
