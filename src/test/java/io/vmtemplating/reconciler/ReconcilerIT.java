package io.vmtemplating.reconciler;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.vmtemplating.api.v1alpha1.ClonePhase;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.types.Condition;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The reconcilers against fabric8's mock API server (CRUD mode); the test plays the kubelet by setting pod
 * status. Each test uses its own namespace.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ReconcilerIT {
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static final String FROZEN = KubeletSimulator.FROZEN_RESULT;

    @Inject
    KubernetesClient client;

    /** Quarkus' registry, which /q/metrics serves (docs/metrics.md); each test's own namespace keeps counts exact. */
    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    private double counted(String name, String... tags) {
        var counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @KubernetesTestServer
    KubernetesServer mockServer;

    private KubeletSimulator kubelet() {
        return new KubeletSimulator(client);
    }

    private String namespace() {
        return "ns" + NAMESPACES.incrementAndGet();
    }

    private VmTemplate template(String namespace, String name) {
        VmTemplate template = Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmTemplate
                metadata: {name: %s, namespace: %s}
                spec:
                  memory: {size: 512Mi}
                  boot:
                    kernel: {hostPath: {path: /var/lib/vmtemplating/guest/vmlinuz}}
                    initrd: {hostPath: {path: /var/lib/vmtemplating/guest/initrd.gz}}
                    cmdline: console=ttyS0
                  freeze: {trigger: SerialConsole, serialConsolePattern: GUEST-READY}
                """.formatted(name, namespace), VmTemplate.class);
        return client.resource(template).create();
    }

    private VmClone clone(String namespace, String name, String template) {
        return client.resource(Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClone
                metadata: {name: %s, namespace: %s}
                spec:
                  templateRef: {name: %s}
                  memory: {expectedPrivate: 96Mi}
                """.formatted(name, namespace, template), VmClone.class)).create();
    }

    private VmTemplate getTemplate(String namespace, String name) {
        return client.resources(VmTemplate.class).inNamespace(namespace).withName(name).get();
    }

    private VmClone getClone(String namespace, String name) {
        return client.resources(VmClone.class).inNamespace(namespace).withName(name).get();
    }

    private Pod awaitPod(String namespace, String role, String name) {
        await().atMost(Duration.ofSeconds(15)).until(() -> client.pods().inNamespace(namespace).withName(name).get() != null);
        return client.pods().inNamespace(namespace).withName(name).get();
    }

    private void awaitTemplatePhase(String namespace, String name, TemplatePhase phase) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            VmTemplate t = getTemplate(namespace, name);
            assertEquals(phase, t.getStatus() == null ? null : t.getStatus().phase(), () -> String.valueOf(t.getStatus()));
        });
    }

    private void awaitClonePhase(String namespace, String name, ClonePhase phase) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            VmClone c = getClone(namespace, name);
            assertEquals(phase, c.getStatus() == null ? null : c.getStatus().phase(), () -> String.valueOf(c.getStatus()));
        });
    }

    private static Condition condition(List<Condition> conditions, String type) {
        return conditions.stream().filter(c -> type.equals(c.type())).findFirst().orElseThrow();
    }

    /**
     * The pod's Events as the API server answers the operator's list by involvedObject.uid (the mock's CRUD mode ignores
     * field selectors on events and would answer none).
     */
    private void kubeletEvents(Pod pod, io.fabric8.kubernetes.api.model.Event... events) {
        mockServer.expect().get().withPath("/api/v1/namespaces/" + pod.getMetadata().getNamespace()
                        + "/events?fieldSelector=involvedObject.uid%3D" + pod.getMetadata().getUid())
                .andReturn(200, new io.fabric8.kubernetes.api.model.EventListBuilder().withItems(events).build()).always();
    }

    private static io.fabric8.kubernetes.api.model.Event failedMount(Pod pod, String message) {
        return new io.fabric8.kubernetes.api.model.EventBuilder()
                .withNewMetadata().withName(pod.getMetadata().getName() + ".1").withNamespace(pod.getMetadata().getNamespace()).endMetadata()
                .withType("Warning").withReason("FailedMount").withMessage(message)
                .withLastTimestamp(java.time.Instant.now().toString())
                .withNewInvolvedObject().withKind("Pod").withNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).endInvolvedObject().build();
    }

    /** Builds a Ready template on node-a the way a successful launcher would. */
    private VmTemplate readyTemplate(String namespace, String name) {
        VmTemplate created = template(namespace, name);
        Pod pod = awaitPod(namespace, "template", name + "-build-1");
        kubelet().scheduled(pod, "node-a");
        kubelet().terminated(pod, true, 0, FROZEN);
        awaitTemplatePhase(namespace, name, TemplatePhase.Ready);
        return getTemplate(namespace, created.getMetadata().getName());
    }

    /**
     * A template's memory holds whatever its guest had when frozen (keys, tokens), and every clone maps it: a clone
     * reaches only the templates of its own namespace (templateRef has no namespace; docs/security.md).
     */
    @Test
    void aCloneCannotMapATemplateOfAnotherNamespace() {
        String owner = namespace();
        String other = namespace();
        readyTemplate(owner, "with-secrets");
        clone(other, "thief", "with-secrets");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            VmClone thief = getClone(other, "thief");
            assertEquals(Conditions.REASON_TEMPLATE_NOT_FOUND, thief.getStatus() == null ? null
                    : condition(thief.getStatus().conditions(), Conditions.READY).reason(), () -> String.valueOf(thief.getStatus()));
        });
        assertEquals(List.of(), client.pods().inNamespace(other).list().getItems(), "no pod maps the other namespace's template");
    }

    @Test
    void templateGoesThroughEveryPhaseToReady() {
        String ns = namespace();
        VmTemplate template = template(ns, "busybox");
        Pod pod = awaitPod(ns, "template", "busybox-build-1");
        awaitTemplatePhase(ns, "busybox", TemplatePhase.Pending);

        // the pod the kubelet will run: an unprivileged launcher without capabilities, this template's directories
        // only, owned by it
        String uid = template.getMetadata().getUid();
        var container = pod.getSpec().getContainers().get(0);
        assertEquals(List.of("launcher", "template"), container.getArgs());
        assertEquals(false, container.getSecurityContext().getPrivileged());
        assertEquals(List.of("ALL"), container.getSecurityContext().getCapabilities().getDrop());
        assertEquals("vm-templating-operator:test", container.getImage());
        assertEquals("FallbackToLogsOnError", container.getTerminationMessagePolicy());
        assertEquals("768Mi", container.getResources().getRequests().get("memory").toString(), "guest 512Mi + 256Mi overhead");
        Map<String, String> hostPaths = pod.getSpec().getVolumes().stream().filter(v -> v.getHostPath() != null)
                .collect(java.util.stream.Collectors.toMap(Volume::getName, v -> v.getHostPath().getPath()));
        assertEquals(Map.of(
                "template-state", "/var/lib/vmtemplating/templates/" + uid,
                "template-memory", "/dev/shm/vmtemplating/" + uid,
                // boot files come with their allowed directory: the launcher resolves links inside it
                "boot-kernel", "/var/lib/vmtemplating/guest",
                "boot-initrd", "/var/lib/vmtemplating/guest"), hostPaths);
        assertEquals(uid, pod.getMetadata().getOwnerReferences().get(0).getUid());

        kubelet().scheduled(pod, "node-a");
        kubelet().running(pod, false, "10.0.0.9");
        awaitTemplatePhase(ns, "busybox", TemplatePhase.Booting);
        kubelet().running(pod, true, "10.0.0.9");
        awaitTemplatePhase(ns, "busybox", TemplatePhase.Freezing);
        kubelet().terminated(pod, true, 0, FROZEN);
        awaitTemplatePhase(ns, "busybox", TemplatePhase.Ready);

        var status = getTemplate(ns, "busybox").getStatus();
        assertEquals("node-a", status.nodeName());
        assertEquals("10.0.2", status.qemuVersion());
        assertEquals(6100L, status.bootMillis());
        assertEquals(14L, status.freezeMillis());
        assertEquals(List.of("/vmt/memory/pc.ram"), status.files().memory());
        Condition ready = condition(status.conditions(), Conditions.READY);
        assertEquals(Conditions.TRUE, ready.status());
        assertEquals(Conditions.REASON_FROZEN, ready.reason());
        assertEquals(template.getMetadata().getGeneration(), ready.observedGeneration());
        assertFalse(client.v1().events().inNamespace(ns).list().getItems().isEmpty(), "phase changes are recorded as Events");
    }

    @Test
    void failedBuildsRetryWithBackoffThenFailForGood() {
        String ns = namespace();
        template(ns, "flaky");
        Pod first = awaitPod(ns, "template", "flaky-build-1");
        kubelet().terminated(first, false, 1, "{\"outcome\":\"Failed\",\"error\":\"QEMU exited with code 1: qemu-system-x86_64: -kernel: No such file\"}");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            var status = getTemplate(ns, "flaky").getStatus();
            assertEquals(1, status.failedAttempts());
            assertEquals(Conditions.REASON_BUILD_FAILED, condition(status.conditions(), Conditions.READY).reason());
            assertTrue(condition(status.conditions(), Conditions.READY).message().contains("No such file"));
        });
        Pod second = awaitPod(ns, "template", "flaky-build-2");
        kubelet().terminated(second, false, 1, "");
        awaitTemplatePhase(ns, "flaky", TemplatePhase.Failed);
        Condition ready = condition(getTemplate(ns, "flaky").getStatus().conditions(), Conditions.READY);
        assertEquals(Conditions.REASON_BACKOFF_LIMIT_EXCEEDED, ready.reason());
        assertTrue(ready.message().contains("build failed 2 times"), ready.message());
        // no third attempt
        assertEquals(List.of("flaky-build-2"), kubelet().pods(ns, "template").stream().map(p -> p.getMetadata().getName()).toList());
        assertEquals(2.0, counted("vmtemplating.template.builds", "namespace", ns, "result", "failed"), "one per attempt");
        assertEquals(0.0, counted("vmtemplating.template.builds", "namespace", ns, "result", "frozen"));
        assertEquals(1.0, registry.find("vmtemplating.template.phase").tags("namespace", ns, "template", "flaky", "phase", "Failed")
                .gauge().value(), "what the VmTemplateFailed alert reads");
    }

    @Test
    void aNodeWithoutTmpfsSpaceForTheMemoryFileSaysNoMemorySpaceAndRetries() {
        String ns = namespace();
        template(ns, "big");
        Pod pod = awaitPod(ns, "template", "big-build-1");
        kubelet().scheduled(pod, "node-a");
        kubelet().terminated(pod, false, 1, "{\"outcome\":\"NoMemorySpace\",\"error\":\"no space for the template's memory file:"
                + " the node's tmpfs for template memory (the hostPath under /dev/shm) has 16 MiB free and the guest's RAM needs 512 MiB"
                + " (spec.memory.size); free space in the node's /dev/shm\"}");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            var status = getTemplate(ns, "big").getStatus();
            Condition ready = condition(status.conditions(), Conditions.READY);
            assertEquals(Conditions.REASON_NO_MEMORY_SPACE, ready.reason());
            assertTrue(ready.message().startsWith("build attempt 1 failed, retrying in "), ready.message());
            assertTrue(ready.message().contains("node node-a: no space for the template's memory file: the node's tmpfs for template"
                    + " memory (the hostPath under /dev/shm) has 16 MiB free and the guest's RAM needs 512 MiB (spec.memory.size)"),
                    ready.message());
            assertEquals(TemplatePhase.Pending, status.phase());
            assertEquals(1, status.failedAttempts());
        });
        // space may be freed: a second attempt follows after the backoff
        awaitPod(ns, "template", "big-build-2");
    }

    /**
     * Seen in CI on a real kubelet: the scheduler placed the build by a node label the kubelet's informer had not seen
     * yet, and the kubelet rejected the pod (NodeAffinity) before any container ran. The retry was timed from the pod's
     * container end, which such a pod has none of: it waited "10 s" afresh at every reconcile, for ever.
     */
    @Test
    void aBuildPodTheKubeletRejectedIsRetriedAfterTheBackoff() {
        String ns = namespace();
        template(ns, "rejected");
        Pod first = awaitPod(ns, "template", "rejected-build-1");
        kubelet().scheduled(first, "node-a");
        // the kubelet's words, as KubeletNodeE2EIT sees them on a real one
        kubelet().rejected(first, Instant.now(), "NodeAffinity", "Predicate NodeAffinity failed: node(s) didn't match Pod's node"
                + " affinity/selector");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            var status = getTemplate(ns, "rejected").getStatus();
            Condition ready = condition(status.conditions(), Conditions.READY);
            assertEquals(Conditions.REASON_BUILD_FAILED, ready.reason());
            assertTrue(ready.message().matches("build attempt 1 failed, retrying in \\d+ s: pod Failed \\(NodeAffinity\\):"
                    + " Pod was rejected: Predicate NodeAffinity failed: node\\(s\\) didn't match Pod's node affinity/selector"),
                    ready.message());
            assertEquals(1, status.failedAttempts());
        });
        awaitPod(ns, "template", "rejected-build-2");
    }

    @Test
    void aCloneWhoseImageTheNodeLacksSaysImagePullFailedThenRunsOnceItIsThere() {
        String ns = namespace();
        readyTemplate(ns, "base");
        clone(ns, "c1", "base");
        Pod pod = awaitPod(ns, "clone", "c1-vm");
        kubelet().waiting(pod, java.time.Instant.now(), "ErrImageNeverPull",
                "Container image \"vm-templating-operator:0.1.0\" is not present with pull policy of Never");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            VmClone c = getClone(ns, "c1");
            Condition ready = condition(c.getStatus().conditions(), Conditions.READY);
            assertEquals(Conditions.REASON_IMAGE_PULL_FAILED, ready.reason());
            assertTrue(ready.message().startsWith("node node-a cannot start pod c1-vm: image "), ready.message());
            assertTrue(ready.message().contains("(ErrImageNeverPull: Container image"), ready.message());
            assertEquals(ClonePhase.Restoring, c.getStatus().phase());
        });
        // a clone's Events follow its status write
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertTrue(client.v1().events().inNamespace(ns).list().getItems()
                .stream().anyMatch(e -> Conditions.REASON_IMAGE_PULL_FAILED.equals(e.getReason())), "a Warning event says so too"));
        // the image was loaded on the node: the kubelet starts the container, nothing was deleted meanwhile
        kubelet().running(client.pods().inNamespace(ns).withName("c1-vm").get(), true, "10.0.0.9");
        awaitClonePhase(ns, "c1", ClonePhase.Running);
    }

    @Test
    void aBuildPodStuckOnAMountSaysVolumeMountFailedFromTheKubeletsEvent() {
        String ns = namespace();
        template(ns, "nodir");
        Pod pod = awaitPod(ns, "template", "nodir-build-1");
        kubelet().scheduled(pod, "node-a");
        String kubeletMessage = "MountVolume.SetUp failed for volume \"boot-kernel\" : hostPath type check failed:"
                + " /var/lib/vmtemplating/guest is not a directory";
        kubeletEvents(pod, failedMount(pod, kubeletMessage));
        kubelet().waiting(pod, java.time.Instant.now().minusSeconds(10), "ContainerCreating", null);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            Condition ready = condition(getTemplate(ns, "nodir").getStatus().conditions(), Conditions.READY);
            assertEquals(Conditions.REASON_VOLUME_MOUNT_FAILED, ready.reason());
            assertEquals("pod nodir-build-1 is stuck in ContainerCreating: spec.boot.kernel.hostPath.path: its directory cannot be"
                    + " mounted on node node-a; create the directory on the node (the operator allows boot files from it,"
                    + " vmt.boot-file-dirs) and put the file there, or move the file to a directory the node has (kubelet: "
                    + kubeletMessage + ")", ready.message());
        });
        // the pod is left to the kubelet, which retries the mount: once the directory exists, the build goes on
        assertEquals(List.of("nodir-build-1"), kubelet().pods(ns, "template").stream().map(p -> p.getMetadata().getName()).toList());
    }

    @Test
    void aClonePodStuckOnAMountSaysVolumeMountFailedOnTheClone() {
        String ns = namespace();
        readyTemplate(ns, "base");
        clone(ns, "c1", "base");
        Pod pod = awaitPod(ns, "clone", "c1-vm");
        kubelet().waiting(pod, java.time.Instant.now(), "ContainerCreating", null);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertEquals(ClonePhase.Restoring,
                getClone(ns, "c1").getStatus().phase()));
        // no pod change brings the Event: the clone reconciler's own recheck (3 s) must find it
        kubeletEvents(pod, failedMount(pod, "MountVolume.SetUp failed for volume \"boot-initrd\" : hostPath type check failed:"
                + " /var/lib/vmtemplating/guest is not a directory"));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            Condition ready = condition(getClone(ns, "c1").getStatus().conditions(), Conditions.READY);
            assertEquals(Conditions.REASON_VOLUME_MOUNT_FAILED, ready.reason());
            assertTrue(ready.message().startsWith("pod c1-vm is stuck in ContainerCreating: spec.boot.initrd.hostPath.path: its"
                    + " directory cannot be mounted on node node-a;"), ready.message());
        });
        assertEquals(ClonePhase.Restoring, getClone(ns, "c1").getStatus().phase());
    }

    @Test
    void aBuildPodCreatingItsContainerIsLookedAtAgainUntilTheKubeletsEventArrives() {
        String ns = namespace();
        template(ns, "slow");
        Pod pod = awaitPod(ns, "template", "slow-build-1");
        kubelet().scheduled(pod, "node-a");
        kubelet().waiting(pod, java.time.Instant.now(), "ContainerCreating", null);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertEquals(Conditions.REASON_POD_PENDING,
                condition(getTemplate(ns, "slow").getStatus().conditions(), Conditions.READY).reason()));
        // the event comes without any change to the pod: only the reconciler's recheck finds it
        kubeletEvents(pod, failedMount(pod, "MountVolume.SetUp failed for volume \"boot-initrd\" : x"));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertEquals(Conditions.REASON_VOLUME_MOUNT_FAILED,
                condition(getTemplate(ns, "slow").getStatus().conditions(), Conditions.READY).reason()));
    }

    @Test
    void launcherRefusingTheSpecFailsWithoutRetry() {
        String ns = namespace();
        template(ns, "bad");
        Pod pod = awaitPod(ns, "template", "bad-build-1");
        kubelet().terminated(pod, false, 2, "{\"outcome\":\"InvalidSpec\",\"error\":\"spec.memory.size: 0 is not a size\"}");
        awaitTemplatePhase(ns, "bad", TemplatePhase.Failed);
        Condition ready = condition(getTemplate(ns, "bad").getStatus().conditions(), Conditions.READY);
        assertEquals(Conditions.REASON_INVALID_SPEC, ready.reason());
        assertEquals("spec.memory.size: 0 is not a size", ready.message());
    }

    @Test
    void cloneWaitsForItsTemplateThenRunsAndPausesOnRequest() throws Exception {
        String ns = namespace();
        clone(ns, "early", "later");
        awaitClonePhase(ns, "early", ClonePhase.Pending);
        assertEquals(Conditions.REASON_TEMPLATE_NOT_FOUND,
                condition(getClone(ns, "early").getStatus().conditions(), Conditions.TEMPLATE_READY).reason());

        template(ns, "later");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertEquals(Conditions.REASON_TEMPLATE_NOT_READY,
                condition(getClone(ns, "early").getStatus().conditions(), Conditions.TEMPLATE_READY).reason()));
        assertTrue(kubelet().pods(ns, "clone").isEmpty(), "no clone pod before the template is Ready");

        Pod build = awaitPod(ns, "template", "later-build-1");
        kubelet().scheduled(build, "node-a");
        kubelet().terminated(build, true, 0, FROZEN);
        Pod pod = awaitPod(ns, "clone", "early-vm");
        awaitClonePhase(ns, "early", ClonePhase.Restoring);

        VmTemplate template = getTemplate(ns, "later");
        assertEquals("node-a", pod.getSpec().getNodeName(), "clones run on the template's node");
        var container = pod.getSpec().getContainers().get(0);
        assertEquals(List.of("launcher", "clone"), container.getArgs());
        container.getVolumeMounts().stream().filter(m -> m.getName().startsWith("template-"))
                .forEach(m -> assertTrue(m.getReadOnly(), m.getName() + " must be read-only in a clone"));
        assertEquals("/dev/shm/vmtemplating/" + template.getMetadata().getUid(), pod.getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("template-memory")).findFirst().orElseThrow().getHostPath().getPath());
        assertEquals("192Mi", container.getResources().getRequests().get("memory").toString(), "96Mi expected private + 96Mi overhead");
        assertEquals("608Mi", container.getResources().getLimits().get("memory").toString(), "whole guest + overhead");

        try (StandInLauncher launcher = new StandInLauncher("127.0.0.77")) {
            kubelet().running(pod, true, "127.0.0.77", launcher.portMap());
            awaitClonePhase(ns, "early", ClonePhase.Running);
            var status = getClone(ns, "early").getStatus();
            assertEquals(187L, status.restoreMillis());
            assertEquals(30L, status.memory().privateMiB());
            assertEquals(template.getMetadata().getUid(), status.templateUid());
            await().atMost(Duration.ofSeconds(15)).until(() -> getTemplate(ns, "later").getStatus().clones() == 1);

            client.resources(VmClone.class).inNamespace(ns).withName("early").edit(c -> {
                c.getSpec();
                return Serialization.unmarshal(Serialization.asYaml(c).replace("templateRef:", "running: false\n  templateRef:"), VmClone.class);
            });
            awaitClonePhase(ns, "early", ClonePhase.Paused);
            assertEquals(List.of("pause"), launcher.actions);
            // the namespace's token, from the Secret the pods mount (made before the first pod), goes with each command
            var secret = client.secrets().inNamespace(ns).withName("vmtemplating-launcher-token").get();
            String token = new String(java.util.Base64.getDecoder().decode(secret.getData().get("token")), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(token.length() >= 40, token);
            assertEquals(List.of("Bearer " + token), launcher.authorizations);
            assertEquals("vmtemplating-launcher-token", pod.getSpec().getVolumes().stream()
                    .filter(v -> v.getName().equals("launcher-token")).findFirst().orElseThrow().getSecret().getSecretName());
        }
    }

    @Test
    void cloneIsRunningOnceItsLauncherSaysSoWithoutWaitingForPodReadiness() throws Exception {
        String ns = namespace();
        readyTemplate(ns, "quick");
        clone(ns, "quick-1", "quick");
        Pod pod = awaitPod(ns, "clone", "quick-1-vm");
        try (StandInLauncher launcher = new StandInLauncher("127.0.0.78")) {
            launcher.state("restoring");
            // started, not Ready: a kubelet probes readiness once a second at most
            kubelet().running(pod, false, "127.0.0.78", launcher.portMap());
            awaitClonePhase(ns, "quick-1", ClonePhase.Restoring);
            launcher.state("running");
            awaitClonePhase(ns, "quick-1", ClonePhase.Running);
            assertEquals(187L, getClone(ns, "quick-1").getStatus().restoreMillis());
            assertFalse(new PodView(client.pods().inNamespace(ns).withName("quick-1-vm").get()).ready(), "the pod is still not Ready");
        }
    }

    @Test
    void aCloneWhoseSpecTheLauncherRefusesFailsAsInvalidSpec() {
        String ns = namespace();
        readyTemplate(ns, "t");
        clone(ns, "c", "t");
        Pod pod = awaitPod(ns, "clone", "c-vm");
        kubelet().terminated(pod, false, 2,
                "{\"outcome\":\"InvalidSpec\",\"error\":\"spec.portForwards[0].podPort: 80 is below 1024\"}");
        awaitClonePhase(ns, "c", ClonePhase.Failed);
        Condition ready = condition(getClone(ns, "c").getStatus().conditions(), Conditions.READY);
        assertEquals(Conditions.REASON_INVALID_SPEC, ready.reason());
        assertEquals("spec.portForwards[0].podPort: 80 is below 1024", ready.message());
        assertEquals(1.0, counted("vmtemplating.clone.failures", "namespace", ns, "template", "t", "reason", "InvalidSpec"),
                "what the VmClonesFailing alert reads");
        assertEquals(new io.vmtemplating.gitops.ArgoHealth.Health("Degraded", "InvalidSpec: spec.portForwards[0].podPort: 80 is below 1024"),
                io.vmtemplating.gitops.ArgoHealth.of(getClone(ns, "c")));
        // Flux fails fast on it instead of waiting for Ready until its timeout
        assertEquals(new io.vmtemplating.gitops.Kstatus.Result("Failed", "spec.portForwards[0].podPort: 80 is below 1024"),
                io.vmtemplating.gitops.Kstatus.of(getClone(ns, "c")));
    }

    @Test
    void missingTemplateFilesRebuildTheTemplateAndTheCloneStartsAgain() {
        String ns = namespace();
        readyTemplate(ns, "t");
        clone(ns, "c", "t");
        Pod pod = awaitPod(ns, "clone", "c-vm");
        String firstPodUid = pod.getMetadata().getUid();
        kubelet().terminated(pod, false, 3,
                "{\"outcome\":\"TemplateFilesMissing\",\"error\":\"template memory file /vmt/memory/pc.ram is missing on node node-a\"}");

        // the clone waits, saying why; the template goes back to building
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            var status = getClone(ns, "c").getStatus();
            assertEquals(ClonePhase.Pending, status.phase());
            Condition templateReady = condition(status.conditions(), Conditions.TEMPLATE_READY);
            // its report, or once the template took it, the wait for the rebuild
            assertTrue(List.of(Conditions.REASON_TEMPLATE_FILES_MISSING, Conditions.REASON_TEMPLATE_REBUILDING)
                    .contains(templateReady.reason()), templateReady.reason());
            assertTrue(templateReady.message().contains("to be rebuilt"), templateReady.message());
        });
        await().atMost(Duration.ofSeconds(15)).until(() -> client.v1().events().inNamespace(ns).list().getItems().stream()
                .anyMatch(e -> Conditions.REASON_TEMPLATE_FILES_MISSING.equals(e.getReason())
                        && e.getMessage().contains("is missing on node node-a")));
        assertEquals(TemplatePhase.Pending, getTemplate(ns, "t").getStatus().phase(), "the template is building again");

        // a fresh build, then the clone starts again on the rebuilt template
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            Pod build = client.pods().inNamespace(ns).withName("t-build-1").get();
            return build != null && build.getStatus() == null;
        });
        Pod rebuild = client.pods().inNamespace(ns).withName("t-build-1").get();
        kubelet().scheduled(rebuild, "node-a");
        kubelet().terminated(rebuild, true, 0, FROZEN);
        awaitTemplatePhase(ns, "t", TemplatePhase.Ready);
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            Pod again = client.pods().inNamespace(ns).withName("c-vm").get();
            return again != null && !again.getMetadata().getUid().equals(firstPodUid);
        });
        awaitClonePhase(ns, "c", ClonePhase.Restoring);
    }

    @Test
    void templateDeletionWaitsForClonesThenRemovesFilesOnItsNode() {
        String ns = namespace();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().build()).createOr(n -> n.update());
        readyTemplate(ns, "held");
        clone(ns, "user", "held");
        await().atMost(Duration.ofSeconds(15)).until(() -> getTemplate(ns, "held").getStatus().clones() == 1);

        client.resources(VmTemplate.class).inNamespace(ns).withName("held").delete();
        awaitTemplatePhase(ns, "held", TemplatePhase.Deleting);
        Condition blocked = condition(getTemplate(ns, "held").getStatus().conditions(), Conditions.DELETION_BLOCKED);
        assertEquals("waiting for 1 clone(s) to be deleted: user", blocked.message());
        assertTrue(kubelet().pods(ns, "cleanup").isEmpty(), "files stay while a clone may map them");

        client.resources(VmClone.class).inNamespace(ns).withName("user").delete();
        Pod cleanup = awaitPod(ns, "cleanup", "held-cleanup");
        assertEquals("node-a", cleanup.getSpec().getNodeName());
        assertEquals(List.of("launcher", "cleanup"), cleanup.getSpec().getContainers().get(0).getArgs());
        String uid = getTemplate(ns, "held").getMetadata().getUid();
        assertEquals(Map.of("template-state", "/var/lib/vmtemplating/templates/" + uid, "template-memory", "/dev/shm/vmtemplating/" + uid),
                cleanup.getSpec().getVolumes().stream().filter(v -> v.getHostPath() != null)
                        .collect(java.util.stream.Collectors.toMap(Volume::getName, v -> v.getHostPath().getPath())),
                "the cleanup pod sees its template's own directories, nothing else of the node");
        kubelet().terminated(cleanup, true, 0, "");
        await().atMost(Duration.ofSeconds(15)).until(() -> getTemplate(ns, "held") == null);
    }

    @Test
    void templateDeletedRightAfterItsClonesIsCleanedUp() {
        // `vmt demo`'s clean-up order: the template's status patch (its clone count) races with its deletion, and
        // JOSDK 5.3.2 then loses the deletion event; the reconciler's periodic recheck must still run the cleanup.
        // Three rounds: the race is hit in about half of them.
        String ns = namespace();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().build()).createOr(n -> n.update());
        for (int round = 0; round < 3; round++) {
            String name = "gone-" + round;
            readyTemplate(ns, name);
            for (int i = 0; i < 3; i++) {
                clone(ns, name + "-c" + i, name);
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> getTemplate(ns, name).getStatus().clones() == 3);
            for (int i = 0; i < 3; i++) {
                client.resources(VmClone.class).inNamespace(ns).withName(name + "-c" + i).delete();
            }
            client.resources(VmTemplate.class).inNamespace(ns).withName(name).delete();
            Pod cleanup = awaitPod(ns, "cleanup", name + "-cleanup");
            kubelet().terminated(cleanup, true, 0, "");
            await().atMost(Duration.ofSeconds(15)).until(() -> getTemplate(ns, name) == null);
        }
    }

    @Test
    void templateOnAVanishedNodeIsDeletedWithoutWaiting() {
        String ns = namespace();
        VmTemplate template = template(ns, "orphan");
        Pod pod = awaitPod(ns, "template", "orphan-build-1");
        kubelet().scheduled(pod, "node-gone");
        kubelet().terminated(pod, true, 0, FROZEN);
        awaitTemplatePhase(ns, "orphan", TemplatePhase.Ready);
        client.resource(template).delete();
        await().atMost(Duration.ofSeconds(15)).until(() -> getTemplate(ns, "orphan") == null);
        assertTrue(kubelet().pods(ns, "cleanup").isEmpty());
        assertTrue(client.v1().events().inNamespace(ns).list().getItems().stream()
                .anyMatch(e -> "NodeGone".equals(e.getReason())));
        assertNull(getTemplate(ns, "orphan"));
    }

    @Test
    void aHostileTemplateThatSkippedAdmissionNeverGetsAPod() {
        String ns = namespace();
        VmTemplate hostile = Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmTemplate
                metadata: {name: hostile, namespace: %s}
                spec:
                  memory: {size: 512Mi}
                  boot:
                    kernel: {hostPath: {path: /var/lib/vmtemplating/guest/vmlinuz}}
                    initrd: {hostPath: {path: /etc/shadow}}
                  qemu: {extraArgs: ["-drive", "file=/etc/shadow,if=virtio"]}
                """.formatted(ns), VmTemplate.class);
        client.resource(hostile).create(); // the mock API server has no webhook in front of it
        awaitTemplatePhase(ns, "hostile", TemplatePhase.Failed);
        Condition ready = condition(getTemplate(ns, "hostile").getStatus().conditions(), Conditions.READY);
        assertEquals(Conditions.REASON_INVALID_SPEC, ready.reason());
        assertTrue(ready.message().contains("spec.boot.initrd.hostPath.path") && ready.message().contains("spec.qemu.extraArgs"),
                ready.message());
        assertTrue(kubelet().pods(ns, "template").isEmpty(), "nothing reaches a pod");
    }

    /** 200 clones created at once against one Ready template, pods not executed: all get their pod, no reconcile error. */
    @Test
    void twoHundredClonesAtOnce() {
        String ns = namespace();
        java.util.List<java.util.logging.LogRecord> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler counter = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                // the resource id is a parameter of JOSDK's message pattern, not part of the pattern itself
                String text = record.getMessage() + " " + java.util.Arrays.toString(record.getParameters());
                if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()
                        && text.contains("namespace='" + ns + "'")) {
                    errors.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger processor = java.util.logging.Logger.getLogger("io.javaoperatorsdk.operator.processing.event.EventProcessor");
        processor.addHandler(counter);
        try {
            readyTemplate(ns, "many");
            long heapBefore = usedHeapMiB();
            for (int i = 0; i < 200; i++) {
                clone(ns, "c" + i, "many");
            }
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> kubelet().pods(ns, "clone").size() == 200);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    client.resources(VmClone.class).inNamespace(ns).list().getItems().stream()
                            .allMatch(c -> c.getStatus() != null && c.getStatus().phase() == ClonePhase.Restoring));
            await().atMost(Duration.ofSeconds(60)).until(() -> getTemplate(ns, "many").getStatus().clones() == 200);
            long heapGrowth = usedHeapMiB() - heapBefore;
            System.out.println("200 clones: heap growth " + heapGrowth + " MiB, reconcile errors " + errors.size());
            assertEquals(List.of(), errors.stream().map(java.util.logging.LogRecord::getMessage).toList());
            assertTrue(heapGrowth < 256, "operator memory stays bounded: heap grew " + heapGrowth + " MiB");
        } finally {
            processor.removeHandler(counter);
        }
    }

    private static long usedHeapMiB() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024);
    }
}
