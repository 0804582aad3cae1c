package io.vmtemplating.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.api.v1alpha1.ClonePhase;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.launcher.PodPaths;
import io.vmtemplating.launcher.ProcessMemory;
import io.vmtemplating.launcher.VmDefinitionRenderer;
import io.vmtemplating.local.LocalCluster;
import io.vmtemplating.local.LocalSession;
import io.vmtemplating.qemu.HostFacts;
import io.vmtemplating.qemu.HostProbe;
import io.vmtemplating.qemu.NodePaths;
import io.vmtemplating.qemu.QemuCommandLine;
import io.vmtemplating.qemu.QemuProcess;
import io.vmtemplating.qemu.Role;
import io.vmtemplating.qemu.SerialConsole;
import io.vmtemplating.qemu.VmDefinition;
import io.vmtemplating.reconciler.LauncherClient;
import io.vmtemplating.reconciler.LauncherTokens;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The demo template (512 MiB guest) through the local cluster with real QEMU: rounds of N clones started at
 * once (CR created → Running, launcher start → guest running, memory), then N cold VMs booted directly with
 * the QEMU layer, two at a time, measured when all are up; last, {@link GuestWriteRound} (N clones each write a
 * known amount).
 */
final class VmBench {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    /** One clone of one round, as the cluster and the launcher's /status saw it. */
    record CloneSample(String name, long crToRunningMillis, long restoreMillis, long launcherOverheadMillis,
            long pssMiB, long privateMiB, long rssMiB, long sharedWithTemplateMiB, long guestPrivateMiB, long qemuOverheadMiB,
            long launcherRssMiB) {
    }

    record Round(int clones, List<CloneSample> samples, long memAvailableDropMiB) {
        long sum(java.util.function.ToLongFunction<CloneSample> figure) {
            return samples.stream().mapToLong(figure).sum();
        }
    }

    record ColdRound(int vms, long firstBootMillis, List<Long> bootMillis, long pssMiB, long privateMiB,
            long memAvailableDropMiB) {
    }

    record Result(long templateBootMillis, long templateCrToReadyMillis, List<Round> rounds, ColdRound cold,
            GuestWriteRound.Result guestWrites, String accel) {
    }

    private VmBench() {
    }

    /** @param writeMiB what each clone of the last round's size writes in the guest-write round */
    static Result run(List<Integer> roundSizes, int coldVms, int writeMiB, PrintStream err) throws Exception {
        try (LocalSession session = LocalSession.start(err)) {
            long created = System.nanoTime();
            VmTemplate template = (VmTemplate) LocalSession.read(List.of(session.samples().resolve("demo/template.yaml"))).get(0);
            template.getMetadata().setNamespace(LocalSession.NAMESPACE);
            session.cluster().client().resource(template).create();
            VmTemplate ready = awaitTemplate(session, template.getMetadata().getName());
            long crToReady = (System.nanoTime() - created) / 1_000_000;
            err.printf("vm: template Ready in %d ms (boot %d ms)%n", crToReady, ready.getStatus().bootMillis());
            Thread.sleep(1000);

            List<Round> rounds = new ArrayList<>();
            int roundNumber = 0;
            for (int n : roundSizes) {
                rounds.add(cloneRound(session, ready, n, ++roundNumber, err));
            }
            ColdRound cold = coldRound(session, ready, coldVms, err);
            session.deleteAll(Duration.ofSeconds(120));
            GuestWriteRound.Result writes = GuestWriteRound.run(demoVm(session, ready), host(), ready.getSpec().freeze().serialConsolePattern(),
                    roundSizes.get(roundSizes.size() - 1), writeMiB, err);
            return new Result(ready.getStatus().bootMillis(), crToReady, rounds, cold, writes, accel());
        }
    }

    static String accel() {
        String accel = System.getenv().getOrDefault("VMT_ACCEL", "tcg");
        return accel.equals("auto") ? (HostProbe.kvmDeviceUsable() ? "kvm" : "tcg") : accel;
    }

    private static VmTemplate awaitTemplate(LocalSession session, String name) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            VmTemplate template = session.template(name);
            TemplatePhase phase = template == null || template.getStatus() == null ? null : template.getStatus().phase();
            if (phase == TemplatePhase.Ready) {
                return template;
            }
            if (phase == TemplatePhase.Failed) {
                throw new IllegalStateException("template " + name + " failed: " + template.getStatus().conditions());
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("template " + name + " not Ready within " + TIMEOUT.toMinutes() + " min");
    }

    private static Round cloneRound(LocalSession session, VmTemplate template, int n, int round, PrintStream err)
            throws Exception {
        var client = session.cluster().client();
        long memBefore = Machine.meminfoKiB("MemAvailable").orElse(0L);
        Map<String, Long> createdAt = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) {
            String name = String.format("bench-r%d-%d", round, i);
            VmClone clone = Serialization.unmarshal(String.format("apiVersion: vmtemplating.io/v1alpha1%nkind: VmClone%n"
                    + "metadata:%n  name: %s%n  namespace: %s%nspec:%n  templateRef:%n    name: %s%n", name,
                    LocalSession.NAMESPACE, template.getMetadata().getName()), VmClone.class);
            createdAt.put(name, System.nanoTime());
            client.resource(clone).create();
        }
        Map<String, Long> runningAfter = new LinkedHashMap<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (runningAfter.size() < n && System.nanoTime() < deadline) {
            for (String name : createdAt.keySet()) {
                if (runningAfter.containsKey(name)) {
                    continue;
                }
                VmClone clone = session.clone(name);
                ClonePhase phase = clone == null || clone.getStatus() == null ? null : clone.getStatus().phase();
                if (phase == ClonePhase.Running) {
                    runningAfter.put(name, (System.nanoTime() - createdAt.get(name)) / 1_000_000);
                } else if (phase == ClonePhase.Failed) {
                    throw new IllegalStateException("clone " + name + " failed: " + clone.getStatus().conditions());
                }
            }
            Thread.sleep(50);
        }
        if (runningAfter.size() < n) {
            throw new IllegalStateException("only " + runningAfter.size() + " of " + n + " clones Running in " + TIMEOUT.toMinutes() + " min");
        }
        Thread.sleep(1000); // let the guests settle before reading memory
        long memAfter = Machine.meminfoKiB("MemAvailable").orElse(0L);
        LauncherClient launcher = new LauncherClient(new LauncherTokens(client));
        List<CloneSample> samples = new ArrayList<>();
        for (String name : createdAt.keySet()) {
            VmClone clone = session.clone(name);
            Pod pod = client.pods().inNamespace(LocalSession.NAMESPACE).withName(clone.getStatus().podName()).get();
            JsonNode status = launcher.status(pod).orElseThrow(() -> new IllegalStateException("launcher of " + name + " does not answer"));
            JsonNode memory = status.path("memory");
            samples.add(new CloneSample(name, runningAfter.get(name), status.path("restoreMillis").asLong(-1),
                    status.path("launcherOverheadMillis").asLong(-1), memory.path("pssMiB").asLong(), memory.path("privateMiB").asLong(),
                    memory.path("rssMiB").asLong(), memory.path("sharedWithTemplateMiB").asLong(), memory.path("guestPrivateMiB").asLong(),
                    memory.path("qemuOverheadMiB").asLong(), memory.path("launcherRssMiB").asLong()));
        }
        Round result = new Round(n, samples, (memBefore - memAfter) / 1024);
        err.printf("vm: %d clone(s): CR→Running %s ms, restore %s ms, launcher overhead %s ms, PSS %d MiB, MemAvailable -%d MiB%n",
                n, samples.stream().map(CloneSample::crToRunningMillis).toList(), samples.stream().map(CloneSample::restoreMillis).toList(),
                samples.stream().map(CloneSample::launcherOverheadMillis).toList(), result.sum(CloneSample::pssMiB), result.memAvailableDropMiB());
        for (String name : createdAt.keySet()) {
            client.resources(VmClone.class).inNamespace(LocalSession.NAMESPACE).withName(name).delete();
        }
        long gone = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < gone && (!client.resources(VmClone.class).inNamespace(LocalSession.NAMESPACE).list().getItems().isEmpty()
                || session.cluster().node().runningPods() > 0)) {
            Thread.sleep(100);
        }
        Thread.sleep(500);
        return result;
    }

    private record ColdVm(Path dir, QemuProcess qemu, SerialConsole console, long bootMillis) {
    }

    /** N VMs booted the ordinary way from the template's spec, the first alone, then two at a time. */
    /** The template's VM as QEMU runs it on this machine, its boot files from the local node's guest directory. */
    private static VmDefinition demoVm(LocalSession session, VmTemplate template) {
        Path guest = session.cluster().onNode("/var/lib/vmtemplating/guest");
        PodPaths paths = PodPaths.parse("/vmt/boot/kernel=" + guest + ":/vmt/boot/initrd=" + guest);
        return VmDefinitionRenderer.render(template.getSpec(), paths, io.vmtemplating.webhook.BootFileDirs.DEFAULT);
    }

    private static HostFacts host() throws IOException {
        HostFacts probed = HostProbe.probe("qemu-system-x86_64");
        return new HostFacts(probed.qemuBinary(), accel().equals("kvm"), probed.qemuVersion());
    }

    private static ColdRound coldRound(LocalSession session, VmTemplate template, int n, PrintStream err) throws Exception {
        VmDefinition vm = demoVm(session, template);
        HostFacts host = host();
        String pattern = template.getSpec().freeze().serialConsolePattern();
        long memBefore = Machine.meminfoKiB("MemAvailable").orElse(0L);
        List<ColdVm> vms = new ArrayList<>();
        // closed in reverse: each VM the usual way (console, QEMU, files), then the scratch stops whatever is left
        try (Scratch scratch = Scratch.create("vmt-cold", err); AutoCloseable closeVms = () -> vms.forEach(VmBench::close)) {
            vms.add(coldBoot(scratch.dir(), vm, host, pattern));
            err.printf("vm: cold VM 1 booted in %d ms%n", vms.get(0).bootMillis());
            while (vms.size() < n) {
                List<CompletableFuture<ColdVm>> pair = new ArrayList<>();
                for (int i = 0; i < Math.min(2, n - vms.size()); i++) {
                    pair.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            return coldBoot(scratch.dir(), vm, host, pattern);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                }
                for (CompletableFuture<ColdVm> future : pair) {
                    vms.add(future.join());
                }
                err.printf("vm: %d cold VMs up%n", vms.size());
            }
            Thread.sleep(1000);
            long memAfter = Machine.meminfoKiB("MemAvailable").orElse(0L);
            long pss = 0;
            long privateMiB = 0;
            for (ColdVm cold : vms) {
                ProcessMemory.Figures figures = ProcessMemory.read(cold.qemu().pid(), cold.dir().resolve("memory"));
                pss += figures.pssMiB();
                privateMiB += figures.privateMiB();
            }
            return new ColdRound(n, vms.get(0).bootMillis(), vms.stream().map(ColdVm::bootMillis).toList(), pss, privateMiB,
                    (memBefore - memAfter) / 1024);
        }
    }

    /** @param scratch the round's directory: its QEMUs are stopped and its files removed on a signal too ({@link Scratch}) */
    private static ColdVm coldBoot(Path scratch, VmDefinition vm, HostFacts host, String pattern) throws IOException {
        Path dir = Files.createTempDirectory(scratch, "vm");
        NodePaths node = new NodePaths(dir.resolve("memory"), dir.resolve("state"), dir.resolve("run"));
        Files.createDirectories(node.memoryDir());
        Files.createDirectories(node.stateDir());
        Files.createDirectories(node.runDir());
        long start = System.nanoTime();
        QemuProcess qemu = QemuProcess.start(QemuCommandLine.build(vm, node, host, Role.TEMPLATE), node.qemuLog());
        SerialConsole console = null;
        try {
            console = SerialConsole.connect(node.serialSocket(), Duration.ofSeconds(30));
            console.awaitLine(line -> line.contains(pattern), TIMEOUT)
                    .orElseThrow(() -> new IllegalStateException("cold VM did not print " + pattern));
            return new ColdVm(dir, qemu, console, (System.nanoTime() - start) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            close(new ColdVm(dir, qemu, console, -1));
            throw e;
        }
    }

    private static void close(ColdVm cold) {
        try {
            if (cold.console() != null) {
                cold.console().close();
            }
        } catch (IOException e) {
            // the VM goes away below either way
        }
        cold.qemu().close();
        LocalCluster.deleteTree(cold.dir());
    }
}
