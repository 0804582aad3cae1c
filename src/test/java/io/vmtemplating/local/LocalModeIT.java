package io.vmtemplating.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.vmtemplating.api.v1alpha1.ClonePhase;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
 * The no-cluster path end to end with real QEMU: embedded API server with admission, the operator's
 * reconcilers, the local node running launcher pods as processes. One template and its clones for the class.
 */
@Tag("qemu")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalModeIT {
    private static final Duration LONG = Duration.ofMinutes(5);
    private static LocalSession session;
    private static String templateUid;

    @BeforeAll
    static void startClusterAndTemplate() throws Exception {
        List<String> entrypoint = io.vmtemplating.launcher.LauncherJvm.entrypoint();
        session = LocalSession.start(System.err, entrypoint);
        List<HasMetadata> demo = LocalSession.read(List.of(session.samples().resolve("demo")));
        assertEquals(4, session.apply(demo, System.out, System.err).size());
        await().atMost(LONG).pollInterval(Duration.ofSeconds(1)).until(() -> LocalSession.settled(session.template("demo")));
        VmTemplate template = session.template("demo");
        assertEquals(TemplatePhase.Ready, template.getStatus().phase(), () -> String.valueOf(template.getStatus()));
        templateUid = template.getMetadata().getUid();
    }

    @AfterAll
    static void stop() {
        if (session != null) {
            session.close();
        }
    }

    private static Path templateMemoryFile() {
        return session.cluster().onNode("/dev/shm/vmtemplating/" + templateUid + "/pc.ram");
    }

    private static List<String> entries(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static String md5(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file)));
    }

    private static void awaitClone(String name, ClonePhase phase) {
        await().atMost(LONG).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            VmClone clone = session.clone(name);
            assertEquals(phase, clone.getStatus() == null ? null : clone.getStatus().phase(),
                    () -> String.valueOf(clone.getStatus()));
        });
    }

    private static Pod podOf(String clone) {
        return session.cluster().client().pods().inNamespace(LocalSession.NAMESPACE).withName(clone + "-vm").get();
    }

    @Test
    @Order(1)
    void clonesRestoreAndContinueTheTemplateWithoutBooting() throws Exception {
        String before = md5(templateMemoryFile());
        for (String name : List.of("demo-1", "demo-2", "demo-3")) {
            awaitClone(name, ClonePhase.Running);
            VmClone clone = session.clone(name);
            assertEquals("local-node", clone.getStatus().nodeName());
            assertNotNull(clone.getStatus().restoreMillis());
            assertTrue(clone.getStatus().restoreMillis() < session.template("demo").getStatus().bootMillis(),
                    "a restore is faster than the template's boot");
            Path log = session.cluster().node().logOf(podOf(name));
            String console = Files.readString(log);
            // a restored guest continues where the template stopped: no kernel boot, no second ready marker
            assertFalse(console.contains("Linux version"), console);
            assertFalse(console.contains("GUEST-READY"), console);
            assertEquals(new io.vmtemplating.gitops.ArgoHealth.Health("Healthy", "Running: the guest is running"),
                    io.vmtemplating.gitops.ArgoHealth.of(clone));
        }
        assertEquals("Healthy", io.vmtemplating.gitops.ArgoHealth.of(session.template("demo")).status());
        await().atMost(LONG).untilAsserted(() -> assertNotNull(session.clone("demo-1").getStatus().memory()));
        var memory = session.clone("demo-1").getStatus().memory();
        assertTrue(memory.privateMiB() < 256, "private memory of a clone of a 512 MiB guest: " + memory);
        assertEquals(before, md5(templateMemoryFile()), "clones never write into the template");
        assertEquals(3, session.template("demo").getStatus().clones());
    }

    @Test
    @Order(2)
    void pauseAndResume() {
        setRunning("demo-1", false);
        awaitClone("demo-1", ClonePhase.Paused);
        setRunning("demo-1", true);
        awaitClone("demo-1", ClonePhase.Running);
    }

    private static void setRunning(String name, boolean running) {
        session.cluster().client().resources(VmClone.class).inNamespace(LocalSession.NAMESPACE).withName(name).edit(c -> {
            VmClone copy = c;
            var spec = c.getSpec();
            copy.setSpec(new io.vmtemplating.api.v1alpha1.VmCloneSpec(spec.templateRef(), running, spec.cpus(),
                    spec.machine(), spec.memory(), spec.virtioMem(), spec.portForwards(), spec.migration(), spec.poolRef(), spec.claimData()));
            return copy;
        });
    }

    @Test
    @Order(3)
    void deletingACloneStopsItsQemu() {
        int before = session.cluster().node().runningPods();
        session.cluster().client().resources(VmClone.class).inNamespace(LocalSession.NAMESPACE).withName("demo-3").delete();
        await().atMost(LONG).until(() -> podOf("demo-3") == null && session.cluster().node().runningPods() == before - 1);
        // its QEMU (whose sockets live in the pod's directory) quits within the grace period
        await().atMost(Duration.ofSeconds(30)).until(() ->
                ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains("demo-3-vm")));
    }

    @Test
    @Order(4)
    void aRejectedSampleIsRefusedWithItsMessage() throws Exception {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        List<HasMetadata> rejected = LocalSession.read(List.of(session.samples().resolve("rejected/balloon-free-page-reporting.yaml")));
        assertTrue(session.apply(rejected, System.out, new PrintStream(errors, true)).isEmpty());
        assertTrue(errors.toString().contains(
                "spec.devices.balloon.freePageReporting: free page reporting cannot discard file-backed template memory"),
                errors.toString());
        assertNull(session.template(rejected.get(0).getMetadata().getName()), "a denied object is not stored");
    }

    @Test
    @Order(5)
    void templateDeletionWaitsForClonesThenRemovesItsFiles() throws Exception {
        var client = session.cluster().client();
        client.resources(VmTemplate.class).inNamespace(LocalSession.NAMESPACE).withName("demo").delete();
        await().atMost(LONG).untilAsserted(() -> assertEquals(TemplatePhase.Deleting, session.template("demo").getStatus().phase()));
        assertTrue(session.template("demo").getStatus().conditions().stream()
                .anyMatch(c -> c.type().equals(Conditions.DELETION_BLOCKED) && c.message().contains("demo-1, demo-2")));
        assertTrue(Files.exists(templateMemoryFile()), "files stay while clones map them");

        client.resources(VmClone.class).inNamespace(LocalSession.NAMESPACE).delete();
        await().atMost(LONG).until(() -> session.template("demo") == null);
        // emptied, not removed: the cleanup pod mounts the directory itself, and a mount point cannot remove itself
        assertEquals(List.of(), entries(templateMemoryFile().getParent()), () -> "the template's memory directory is emptied; events: "
                + client.v1().events().inNamespace(LocalSession.NAMESPACE).list().getItems().stream()
                        .map(e -> e.getReason() + ": " + e.getMessage()).toList()
                + "; pods: " + client.pods().inAnyNamespace().list().getItems().stream()
                        .map(p -> p.getMetadata().getName() + " " + p.getSpec().getNodeName() + " " + p.getStatus()).toList());
        // the clones' launchers quit QEMU on SIGTERM: give them their grace period
        await().atMost(Duration.ofSeconds(30)).until(() -> session.cluster().node().runningPods() == 0);
    }
}
