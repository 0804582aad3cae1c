package io.vmtemplating.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.api.v1alpha1.ClonePhase;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.reconciler.NodeLayout;
import io.vmtemplating.reconciler.OperatorSettings;
import io.vmtemplating.reconciler.VmResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Crashes, restarts and lost files, on the no-cluster path with real QEMU: the operator restarted mid-phase,
 * QEMU killed in a template build and in a running clone, the template's files wiped as a node reboot wipes tmpfs.
 */
@Tag("qemu")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalReliabilityIT {
    private static final Duration LONG = Duration.ofMinutes(4);
    private static LocalSession session;

    @BeforeAll
    static void start() throws Exception {
        List<String> entrypoint = io.vmtemplating.launcher.LauncherJvm.entrypoint();
        OperatorSettings fastRetries = new OperatorSettings("vm-templating-operator:test", OperatorSettings.DEFAULTS.templateOverheadMiB(),
                OperatorSettings.DEFAULTS.cloneOverheadMiB(), 64, 3,
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30), NodeLayout.DEFAULT, "",
                io.vmtemplating.webhook.BootFileDirs.DEFAULT);
        session = LocalSession.start(System.err, entrypoint, fastRetries);
    }

    @AfterAll
    static void stop() {
        if (session != null) {
            session.close();
        }
    }

    private static void create(String yaml) {
        HasMetadata object = yaml.contains("kind: VmTemplate") ? Serialization.unmarshal(yaml, VmTemplate.class)
                : Serialization.unmarshal(yaml, VmClone.class);
        assertEquals(1, session.apply(List.of(object), System.out, System.err).size());
    }

    private static void template(String name) {
        create("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmTemplate
                metadata: {name: %s}
                spec:
                  memory: {size: 256Mi}
                  boot:
                    kernel: {hostPath: {path: /var/lib/vmtemplating/guest/vmlinuz}}
                    initrd: {hostPath: {path: /var/lib/vmtemplating/guest/initrd.gz}}
                    cmdline: console=ttyS0 quiet panic=-1
                  freeze: {trigger: SerialConsole, serialConsolePattern: GUEST-READY}
                """.formatted(name));
    }

    private static void clone(String name, String template) {
        create("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClone
                metadata: {name: %s}
                spec: {templateRef: {name: %s}}
                """.formatted(name, template));
    }

    private static TemplatePhase templatePhase(String name) {
        VmTemplate t = session.template(name);
        return t == null || t.getStatus() == null ? null : t.getStatus().phase();
    }

    private static ClonePhase clonePhase(String name) {
        VmClone c = session.clone(name);
        return c == null || c.getStatus() == null ? null : c.getStatus().phase();
    }

    private static List<Pod> pods(String role, String labelKey, String labelValue) {
        return session.cluster().client().pods().inNamespace(LocalSession.NAMESPACE)
                .withLabel(VmResources.LABEL_ROLE, role).withLabel(labelKey, labelValue).list().getItems();
    }

    /** kill -9 of the QEMU whose sockets live in the given pod's directory. */
    private static void killQemuOf(String podName) {
        // the pod runs before its launcher has exec'd QEMU: wait for the process to exist
        ProcessHandle qemu = await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.allProcesses()
                .filter(p -> p.info().command().orElse("").contains("qemu-system")
                        && p.info().commandLine().orElse("").contains("/pods/" + podName + "_"))
                .findFirst(), java.util.Optional::isPresent).orElseThrow();
        qemu.destroyForcibly();
    }

    /** What the cluster looks like, for a failure message. */
    private static String dump() {
        var client = session.cluster().client();
        StringBuilder text = new StringBuilder();
        client.resources(VmTemplate.class).inNamespace(LocalSession.NAMESPACE).list().getItems()
                .forEach(t -> text.append("\n").append(t.getMetadata().getName()).append(": ").append(t.getStatus()));
        client.resources(VmClone.class).inNamespace(LocalSession.NAMESPACE).list().getItems()
                .forEach(c -> text.append("\n").append(c.getMetadata().getName()).append(": ").append(c.getStatus()));
        client.pods().inNamespace(LocalSession.NAMESPACE).list().getItems()
                .forEach(p -> text.append("\npod ").append(p.getMetadata().getName()).append(": ")
                        .append(p.getStatus() == null ? null : p.getStatus().getPhase()).append(" ready=")
                        .append(p.getStatus() == null ? null : p.getStatus().getConditions())
                        .append("\n  log: ").append(logTail(p)));
        return text.toString();
    }

    private static String logTail(Pod pod) {
        try {
            Path log = session.cluster().node().logOf(pod);
            if (log == null) {
                return "(not running)";
            }
            String text = Files.readString(log);
            return text.substring(Math.max(0, text.length() - 600));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static String md5(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file)));
    }

    private static Path memoryDir(String template) {
        return session.cluster().onNode("/dev/shm/vmtemplating/" + session.template(template).getMetadata().getUid());
    }

    @Test
    @Order(1)
    void operatorRestartedWhileTheTemplateBootsAndWhileClonesRunCreatesNoDuplicates() {
        template("rel");
        await().atMost(LONG).until(() -> templatePhase("rel") == TemplatePhase.Booting);
        session.cluster().restartOperator();
        await().atMost(LONG).until(() -> templatePhase("rel") == TemplatePhase.Ready);
        assertEquals(1, pods(VmResources.ROLE_TEMPLATE, VmResources.LABEL_TEMPLATE, "rel").size(), "one build pod");

        clone("rel-1", "rel");
        clone("rel-2", "rel");
        await().atMost(LONG).until(() -> clonePhase("rel-1") == ClonePhase.Restoring || clonePhase("rel-1") == ClonePhase.Running);
        session.cluster().restartOperator(); // while restoring (or just after)
        await().atMost(LONG).untilAsserted(() -> assertTrue(
                clonePhase("rel-1") == ClonePhase.Running && clonePhase("rel-2") == ClonePhase.Running, LocalReliabilityIT::dump));
        String podUid = pods(VmResources.ROLE_CLONE, VmResources.LABEL_CLONE, "rel-1").get(0).getMetadata().getUid();
        session.cluster().restartOperator(); // while running
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(20)).until(() -> clonePhase("rel-1") == ClonePhase.Running);
        List<Pod> clonePods = pods(VmResources.ROLE_CLONE, VmResources.LABEL_CLONE, "rel-1");
        assertEquals(1, clonePods.size(), "no duplicate clone pod");
        assertEquals(podUid, clonePods.get(0).getMetadata().getUid(), "the running pod was adopted, not replaced");
    }

    @Test
    @Order(2)
    void qemuCrashingInARunningCloneFailsItWithTheReason() {
        killQemuOf("rel-2-vm");
        await().atMost(LONG).untilAsserted(() -> assertTrue(clonePhase("rel-2") == ClonePhase.Failed, LocalReliabilityIT::dump));
        var ready = session.clone("rel-2").getStatus().conditions().stream()
                .filter(c -> c.type().equals(Conditions.READY)).findFirst().orElseThrow();
        assertEquals(Conditions.REASON_CRASHED, ready.reason());
        assertTrue(ready.message().toLowerCase().contains("qemu"), ready.message());
        assertEquals(ClonePhase.Running, clonePhase("rel-1"), "the other clone is unaffected");
    }

    @Test
    @Order(3)
    void wipedTemplateFilesAreRebuiltAndTheWaitingCloneStarts() throws Exception {
        Path memory = memoryDir("rel");
        LocalCluster.deleteTree(memory); // a node reboot empties tmpfs
        clone("rel-3", "rel");
        await().atMost(LONG).until(() -> session.template("rel").getStatus().conditions().stream()
                .anyMatch(c -> Conditions.REASON_TEMPLATE_FILES_MISSING.equals(c.reason()))
                || templatePhase("rel") != TemplatePhase.Ready);
        await().atMost(LONG).untilAsserted(() -> assertTrue(clonePhase("rel-3") == ClonePhase.Running, LocalReliabilityIT::dump));
        assertEquals(TemplatePhase.Ready, templatePhase("rel"));
        String rebuilt = md5(memory.resolve("pc.ram"));
        await().atMost(LONG).until(() -> session.clone("rel-3").getStatus().memory() != null);
        assertEquals(rebuilt, md5(memory.resolve("pc.ram")), "the rebuilt template file is unchanged by its clone");
    }

    @Test
    @Order(4)
    void qemuCrashingInATemplateBuildIsRetried() {
        template("crashy");
        await().atMost(LONG).until(() -> templatePhase("crashy") == TemplatePhase.Booting);
        killQemuOf("crashy-build-1");
        await().atMost(LONG).until(() -> session.template("crashy").getStatus().failedAttempts() == 1);
        await().atMost(LONG).until(() -> templatePhase("crashy") == TemplatePhase.Ready);
        assertTrue(session.cluster().client().v1().events().inNamespace(LocalSession.NAMESPACE).list().getItems().stream()
                .anyMatch(e -> Conditions.REASON_BUILD_FAILED.equals(e.getReason()) && e.getMessage().contains("attempt 1")));
    }
}
