package io.vmtemplating.reconciler;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.vmtemplating.api.v1alpha1.ClonePhase;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmCloneStatus;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.VmTemplateStatus;
import io.vmtemplating.api.v1alpha1.types.Condition;
import io.vmtemplating.local.LocalCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each reconciler writes its own kind's status only. Each test runs one reconciler alone on fabric8's mock API
 * server and writes the other kind's status itself, as the other reconciler would; the test plays the kubelet.
 */
class OneWriterPerStatusTest {
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

    /** An operator configured as LocalCluster's, with only this reconciler. */
    private void startOperatorWith(Reconciler<?> reconciler) {
        operator = new Operator(o -> o.withKubernetesClient(client).withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false).withCloseClientOnStop(false));
        operator.register(reconciler);
        operator.start();
    }

    private VmTemplate template(String name) {
        return MockObjects.template(client, name);
    }

    private VmClone clone(String name, String template) {
        return MockObjects.clone(client, name, template);
    }

    private VmTemplate getTemplate(String name) {
        return client.resources(VmTemplate.class).inNamespace("default").withName(name).get();
    }

    private VmClone getClone(String name) {
        return client.resources(VmClone.class).inNamespace("default").withName(name).get();
    }

    private static Optional<Condition> condition(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty() : conditions.stream().filter(c -> type.equals(c.type())).findFirst();
    }

    @Test
    void aCloneThatFindsTheFilesMissingSaysSoInItsOwnStatusAndLeavesTheTemplatesAlone() {
        startOperatorWith(new VmCloneReconciler(OperatorSettings.DEFAULTS, new LauncherClient(new LauncherTokens(client)), Clock.systemUTC()));
        template("t");
        String readySince = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS).toString();
        VmTemplateStatus ready = new VmTemplateStatus(TemplatePhase.Ready,
                List.of(new Condition(Conditions.READY, Conditions.TRUE, Conditions.REASON_FROZEN, "frozen", readySince, 1L)),
                1L, "node-a", "t-build-1", null, "10.0.2", 6100L, 14L, 1, 0);
        client.resources(VmTemplate.class).inNamespace("default").withName("t").editStatus(t -> {
            t.setStatus(ready);
            return t;
        });
        String statusVersion = getTemplate("t").getMetadata().getResourceVersion();

        clone("c", "t");
        Pod pod = MockObjects.pod(client, "c-vm");
        new KubeletSimulator(client).terminated(pod, false, 3,
                "{\"outcome\":\"TemplateFilesMissing\",\"error\":\"template memory file /vmt/memory/pc.ram is missing on node node-a\"}");

        await().atMost(WAIT).untilAsserted(() -> {
            VmCloneStatus status = getClone("c").getStatus();
            assertEquals(ClonePhase.Pending, status.phase());
            Condition report = condition(status.conditions(), Conditions.TEMPLATE_READY).orElseThrow();
            assertEquals(List.of(Conditions.FALSE, Conditions.REASON_TEMPLATE_FILES_MISSING), List.of(report.status(), report.reason()));
        });
        // the clone reconciler wrote that report in the reconcile that also wrote any template status it would write
        VmTemplate after = getTemplate("t");
        assertEquals(ready, after.getStatus(), "the clone reconciler wrote the template's status");
        assertEquals(statusVersion, after.getMetadata().getResourceVersion(), "the template was written");
        // the report keeps the launcher's words: the template reconciler quotes them
        String report = condition(getClone("c").getStatus().conditions(), Conditions.TEMPLATE_READY).orElseThrow().message();
        assertTrue(report.contains("template memory file /vmt/memory/pc.ram is missing on node node-a"), report);
    }

    @Test
    void theTemplateReconcilerRebuildsWhenOneOfItsClonesReportsItsFilesMissing() {
        startOperatorWith(new VmTemplateReconciler(OperatorSettings.DEFAULTS, new LauncherClient(new LauncherTokens(client)), Clock.systemUTC()));
        KubeletSimulator kubelet = new KubeletSimulator(client);
        VmTemplate template = template("t");
        Pod build = MockObjects.pod(client, "t-build-1");
        String firstBuildUid = build.getMetadata().getUid();
        kubelet.scheduled(build, "node-a");
        kubelet.terminated(build, true, 0, FROZEN);
        await().atMost(WAIT).until(() -> getTemplate("t").getStatus() != null && getTemplate("t").getStatus().phase() == TemplatePhase.Ready);
        Instant readySince = FilesMissingReport.readySince(getTemplate("t")).orElseThrow();

        // what the clone reconciler writes on its clone when its launcher found the files missing
        clone("c", "t");
        String reportedAt = readySince.plusSeconds(1).toString();
        client.resources(VmClone.class).inNamespace("default").withName("c").editStatus(c -> {
            c.setStatus(new VmCloneStatus(ClonePhase.Pending, List.of(new Condition(Conditions.TEMPLATE_READY, Conditions.FALSE,
                    Conditions.REASON_TEMPLATE_FILES_MISSING, "template memory file /vmt/memory/pc.ram is missing on node node-a",
                    reportedAt, 1L)), 1L, "node-a", "c-vm", template.getMetadata().getUid(), null, null, null, null));
            return c;
        });

        await().atMost(WAIT).until(() -> {
            Pod again = client.pods().inNamespace("default").withName("t-build-1").get();
            return again != null && !again.getMetadata().getUid().equals(firstBuildUid);
        });
        // a fresh build: Pending, with nothing of the build whose files are gone
        VmTemplateStatus status = getTemplate("t").getStatus();
        assertEquals(List.of(TemplatePhase.Pending, 0), List.of(status.phase(), status.failedAttempts()), status::toString);
        assertEquals(java.util.Arrays.asList(null, null, null), java.util.Arrays.asList(status.nodeName(), status.files(), status.qemuVersion()));
        assertTrue(client.v1().events().inNamespace("default").list().getItems().stream()
                .anyMatch(e -> Conditions.REASON_TEMPLATE_FILES_MISSING.equals(e.getReason()) && "Warning".equals(e.getType())
                        && e.getMessage().equals("clone c found the template's files missing: template memory file"
                                + " /vmt/memory/pc.ram is missing on node node-a")));
    }
}
