package io.vmtemplating.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.vmtemplating.api.v1alpha1.ClonePhase;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.launcher.PodPaths;
import io.vmtemplating.launcher.ProcessMemory;
import io.vmtemplating.launcher.VmDefinitionRenderer;
import io.vmtemplating.local.LocalSession;
import io.vmtemplating.local.VmSession;
import io.vmtemplating.qemu.HostFacts;
import io.vmtemplating.qemu.HostProbe;
import io.vmtemplating.qemu.NodePaths;
import io.vmtemplating.qemu.QemuCommandLine;
import io.vmtemplating.qemu.QemuProcess;
import io.vmtemplating.qemu.Role;
import io.vmtemplating.qemu.SerialConsole;
import io.vmtemplating.qemu.VmDefinition;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code vmt demo [--kubeconfig PATH [-n NAMESPACE]]}: samples/demo/ (a template and 3 clones) on a cluster of this
 * machine with real QEMU, then one cold-booted VM of the same guest for comparison; prints the table and leaves nothing
 * running or on disk. With --kubeconfig the same objects on that cluster (its operator and nodes), without the cold VM.
 */
final class DemoCommand {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private DemoCommand() {
    }

    static final String USAGE = "usage: vmt demo [--kubeconfig PATH [-n NAMESPACE]]";

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Path kubeconfig = null;
        String namespace = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--kubeconfig" -> kubeconfig = Path.of(RunCommand.requireValue(args, ++i, "--kubeconfig"));
                case "-n", "--namespace" -> namespace = RunCommand.requireValue(args, ++i, "-n");
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'; " + USAGE);
            }
        }
        if (namespace != null && kubeconfig == null) {
            throw new IllegalArgumentException("-n needs --kubeconfig: the embedded cluster uses the namespace default");
        }
        // a real cluster: its operator does the work, and the cold VM for comparison is left out (it boots on this
        // machine, which need not be the node)
        List<HasMetadata> created = new java.util.ArrayList<>();
        try (StopSignal stop = StopSignal.install("vmt demo", err)) {
            VmSession session = kubeconfig == null ? LocalSession.start(err).closedByCallerOnExit()
                    : RunCommand.clusterSession(kubeconfig, namespace);
            try {
                err.println(session.describe());
                List<HasMetadata> objects = LocalSession.read(List.of(LocalSession.home().resolve("samples/demo")));
                created.addAll(session.apply(objects, out, err));
                return created.size() < objects.size() ? 1 : show(session, objects, out, err);
            } catch (Exception e) {
                if (!stop.requested()) {
                    throw e;
                }
                // the stop's interrupt ended a wait, however the wait reports it (fabric8 wraps it in its own exception)
                return 130; // stopped by a signal (the JVM then exits with the signal's own code)
            } finally {
                // this thread cleans up, the shutdown hook only waits for it (StopSignal): no VM outlives the demo
                stop.cleaningUp();
                err.println("cleaning up: deleting clones, then the template (its files are removed from the node)");
                session.delete(created, Duration.ofSeconds(120));
                if (session instanceof LocalSession) {
                    err.println("stopping the local cluster ...");
                }
                session.close();
            }
        }
    }

    /** Waits for the demo's template and clones and prints their figures; the exit code. */
    private static int show(VmSession session, List<HasMetadata> objects, PrintStream out, PrintStream err) throws Exception {
        VmTemplate template = awaitTemplate(session, "demo", err);
        if (template.getStatus().phase() != TemplatePhase.Ready) {
            err.println("template failed: " + template.getStatus().conditions().get(0).message());
            return 1;
        }
        List<VmClone> clones = awaitClones(session, objects, err);
        ColdVm cold = session instanceof LocalSession local ? coldBoot(local, template, err) : null;

        out.println();
        out.printf("| VM | start | private MiB | shared with template MiB | PSS MiB |%n|---|---|---|---|---|%n");
        out.printf("| template demo (512 MiB guest) | boot %.1f s, freeze %d ms | | | |%n",
                template.getStatus().bootMillis() / 1000.0, template.getStatus().freezeMillis());
        long clonePss = 0;
        for (VmClone clone : clones) {
            var memory = clone.getStatus().memory();
            clonePss += memory == null ? 0 : memory.pssMiB();
            out.printf("| clone %s | restore %d ms | %s | %s | %s |%n", clone.getMetadata().getName(),
                    clone.getStatus().restoreMillis(), memory == null ? "?" : memory.privateMiB(),
                    memory == null ? "?" : memory.sharedWithTemplateMiB(), memory == null ? "?" : memory.pssMiB());
        }
        if (cold != null) {
            out.printf("| cold VM, same guest | boot %.1f s | %d | 0 | %d |%n", cold.bootMillis / 1000.0, cold.memory.privateMiB(),
                    cold.memory.pssMiB());
            out.printf("%n%d clones: %d MiB PSS in total, %d MiB each; %d cold VMs would take about %d MiB. "
                    + "Clone start is %.0fx faster than a cold boot.%n", clones.size(), clonePss,
                    clones.isEmpty() ? 0 : clonePss / clones.size(), clones.size(), cold.memory.pssMiB() * clones.size(),
                    cold.bootMillis / (double) Math.max(1, clones.stream().mapToLong(c -> c.getStatus().restoreMillis()).max().orElse(1)));
        }
        return 0;
    }

    private static VmTemplate awaitTemplate(VmSession session, String name, PrintStream err) throws InterruptedException {
        Instant start = Instant.now();
        while (Duration.between(start, Instant.now()).compareTo(TIMEOUT) < 0) {
            VmTemplate template = session.client().resources(VmTemplate.class).inNamespace(session.namespace()).withName(name).get();
            TemplatePhase phase = template == null || template.getStatus() == null ? null : template.getStatus().phase();
            err.printf("template %s: %s (%d s)%n", name, phase == null ? "Pending" : phase,
                    Duration.between(start, Instant.now()).toSeconds());
            if (phase == TemplatePhase.Ready || phase == TemplatePhase.Failed) {
                err.println();
                return template;
            }
            Thread.sleep(3000);
        }
        throw new IllegalStateException("template " + name + " not Ready within " + TIMEOUT.toMinutes() + " min");
    }

    private static List<VmClone> awaitClones(VmSession session, List<HasMetadata> objects, PrintStream err)
            throws InterruptedException {
        List<String> names = objects.stream().filter(o -> o instanceof VmClone).map(o -> o.getMetadata().getName()).toList();
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            List<VmClone> clones = names.stream().map(name ->
                    session.client().resources(VmClone.class).inNamespace(session.namespace()).withName(name).get()).toList();
            boolean done = clones.stream().allMatch(c -> c != null && c.getStatus() != null
                    && (c.getStatus().phase() == ClonePhase.Failed
                        || (c.getStatus().phase() == ClonePhase.Running && c.getStatus().memory() != null)));
            if (done) {
                clones.forEach(c -> err.println("clone " + c.getMetadata().getName() + ": " + c.getStatus().phase()));
                return clones;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("clones not Running within " + TIMEOUT.toMinutes() + " min");
    }

    private record ColdVm(long bootMillis, ProcessMemory.Figures memory) {
    }

    /** One VM booted the ordinary way from the same spec, measured like the clones. */
    private static ColdVm coldBoot(LocalSession session, VmTemplate template, PrintStream err) throws Exception {
        Path guest = session.cluster().onNode("/var/lib/vmtemplating/guest");
        Path dir = Files.createTempDirectory(Path.of("/dev/shm").toFile().isDirectory() ? Path.of("/dev/shm") : Path.of("/tmp"), "vmt-cold");
        try {
            PodPaths paths = PodPaths.parse("/vmt/boot/kernel=" + guest + ":/vmt/boot/initrd=" + guest);
            VmDefinition vm = VmDefinitionRenderer.render(template.getSpec(), paths, io.vmtemplating.webhook.BootFileDirs.DEFAULT);
            NodePaths node = new NodePaths(dir.resolve("memory"), dir.resolve("state"), dir.resolve("run"));
            Files.createDirectories(node.memoryDir());
            Files.createDirectories(node.stateDir());
            Files.createDirectories(node.runDir());
            HostFacts probed = HostProbe.probe("qemu-system-x86_64");
            boolean kvm = "kvm".equals(System.getenv("VMT_ACCEL")) || ("auto".equals(System.getenv("VMT_ACCEL")) && probed.kvmUsable());
            HostFacts host = new HostFacts(probed.qemuBinary(), kvm, probed.qemuVersion());
            err.println("cold-booting one VM of the same guest for comparison ...");
            long start = System.nanoTime();
            try (QemuProcess qemu = QemuProcess.start(QemuCommandLine.build(vm, node, host, Role.TEMPLATE), node.qemuLog());
                 SerialConsole console = SerialConsole.connect(node.serialSocket(), Duration.ofSeconds(30))) {
                String pattern = template.getSpec().freeze().serialConsolePattern();
                console.awaitLine(line -> line.contains(pattern), Duration.ofMinutes(5))
                        .orElseThrow(() -> new IllegalStateException("cold VM did not print " + pattern));
                long bootMillis = (System.nanoTime() - start) / 1_000_000;
                return new ColdVm(bootMillis, ProcessMemory.read(qemu.pid(), node.memoryDir()));
            }
        } finally {
            io.vmtemplating.local.LocalCluster.deleteTree(dir);
        }
    }
}
