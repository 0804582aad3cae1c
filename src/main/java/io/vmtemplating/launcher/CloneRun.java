package io.vmtemplating.launcher;

import io.vmtemplating.api.v1alpha1.VmCloneSpec;
import io.vmtemplating.api.v1alpha1.VmTemplateSpec;
import io.vmtemplating.api.v1alpha1.types.ClaimDataTarget;
import io.vmtemplating.qemu.CloneAdditions;
import io.vmtemplating.qemu.CloneRestorer;
import io.vmtemplating.qemu.GuestWarmUp;
import io.vmtemplating.qemu.HostFacts;
import io.vmtemplating.qemu.MemoryBackends;
import io.vmtemplating.qemu.NodePaths;
import io.vmtemplating.qemu.QemuLauncher;
import io.vmtemplating.qemu.QemuProcess;
import io.vmtemplating.qemu.RestoredClone;
import io.vmtemplating.qemu.VmDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code launcher clone}: restores the clone (running, or paused for {@code spec.running: false}), then hands QEMU to
 * the clone keeper ({@link KeeperChannel}) and exits 0. The keeper, the pod's main process, serves /healthz, /status,
 * /metrics, POST /pause, /resume and /claim-data from the moment QEMU starts, and reports QEMU's end in the
 * termination message: a guest poweroff (exit 0), QEMU's death (QEMU's last words), or the pod's deletion (SIGTERM:
 * QMP quit, exit 0). A SIGTERM before the handover reaches this JVM (the keeper passes it on): QMP quit, exit 0.
 */
final class CloneRun {
    private static final Duration QUIT_GRACE = Duration.ofSeconds(20);

    private final LauncherContext context;
    private volatile RestoredClone clone;
    private final QemuSlot slot = new QemuSlot();
    /** This JVM's QMP connection is closed for the keeper's: a SIGTERM now stops QEMU with a signal. */
    private volatile boolean qmpReleased;
    /** QEMU is the keeper's: the SIGTERM hook leaves it alone when this JVM exits. */
    private volatile boolean handedOver;
    private volatile boolean terminating;
    private NodePaths nodePaths;

    CloneRun(LauncherContext context) {
        this.context = context;
    }

    int run() {
        StartWarmUp.begin();
        VmDefinition vm;
        CloneAdditions additions;
        VmCloneSpec cloneSpec;
        ClaimDataTarget claimData;
        KeeperChannel keeper;
        try {
            keeper = context.keeper();
            VmTemplateSpec templateSpec = context.templateSpec();
            cloneSpec = context.cloneSpec(templateSpec);
            vm = context.render(templateSpec);
            claimData = templateSpec.claimData();
            context.checkBootFiles(templateSpec);
            additions = VmDefinitionRenderer.additions(cloneSpec, vm);
        } catch (InvalidSpecException e) {
            return Launcher.invalid(context.termination(), context.err(), e);
        } catch (IOException e) {
            return Launcher.failed(context, LauncherResult.FAILED, "cannot reach the clone keeper: " + e.getMessage(), Launcher.EXIT_FAILED);
        }
        nodePaths = context.paths().nodePaths();
        // spec.running false: the restored guest stays paused (it never runs an instruction until /resume)
        boolean running = !Boolean.FALSE.equals(cloneSpec.running());
        List<String> missing = missingTemplateFiles(vm);
        if (!missing.isEmpty()) {
            return Launcher.failed(context, LauncherResult.TEMPLATE_FILES_MISSING, "template files missing on this node: "
                    + String.join(", ", missing) + "; rebuild the template", PodContract.EXIT_TEMPLATE_FILES_MISSING);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::quit, "sigterm"));
        QemuProcess qemu = null;
        try {
            HostFacts commandLineHost = context.hostFactsForCommandLine();
            Files.createDirectories(nodePaths.runDir());
            List<String> argv = CloneRestorer.startArgv(vm, nodePaths, commandLineHost);
            Files.deleteIfExists(nodePaths.qmpSocket());
            Files.deleteIfExists(nodePaths.serialSocket());
            // QEMU first: it loads its libraries and waits (-incoming defer) while the restorer's template check
            // (metadata JSON, QEMU version) runs; a failed check stops it before anything is loaded
            QemuProcess started = slot.start(() -> QemuProcess.start(argv, nodePaths.qemuLog()));
            if (started == null) {
                return Launcher.EXIT_FAILED; // SIGTERM came first: no QEMU was started, the JVM is exiting
            }
            qemu = started;
            long overheadMillis = context.millisSinceProcessStart();
            context.err().println(context.overheadLine(overheadMillis));
            // the keeper opens the API (503 "restoring" until the handover) and, first, the console: output before
            // the first client connects is lost
            keeper.serve(context.podIp(), context.httpPort(), context.paths().resolveString(PodContract.TOKEN_FILE),
                    context.paths().resolveString(PodContract.TERMINATION_MESSAGE_PATH),
                    vm.serialConsole() ? nodePaths.serialSocket().toString() : null, overheadMillis);
            QemuLauncher starter = (restorerArgv, paths) -> {
                if (!restorerArgv.equals(argv)) {
                    throw new IllegalStateException("the restorer built another command line than the launcher started: " + restorerArgv);
                }
                return started;
            };
            clone = new CloneRestorer(starter, VmDefinitionRenderer.restoreTimeout(cloneSpec)).restore(vm, nodePaths, commandLineHost, additions, running);
            long restoreMillis = context.millisSinceProcessStart();
            context.err().println("clone " + (running ? "running" : "paused") + " after restoreMillis="
                    + restoreMillis + " (restorer: " + clone.timings() + ")");
            if (!running && context.warmUp()) {
                // a pool member: its first moments run now rather than on the claim's time (GuestWarmUp)
                context.err().println("warmed up: " + GuestWarmUp.run(clone.qmp(), started.pid()).describe());
            }
            // QEMU takes one monitor client at a time: this one leaves before the keeper connects
            clone.qmp().close();
            qmpReleased = true;
            keeper.handover(new KeeperChannel.Handover(started.pid(), nodePaths.qmpSocket().toString(),
                    nodePaths.runDir().resolve(VmDefinitionRenderer.GUEST_AGENT_SOCKET).toString(),
                    nodePaths.memoryDir().toRealPath().toString(), nodePaths.qemuLog().toString(), running, restoreMillis,
                    claimData == null ? null : claimData.directory(), claimData == null ? null : claimData.timeoutSeconds()));
            handedOver = true;
            return 0;
        } catch (Exception e) {
            if (terminating) {
                return TemplateBuild.parkUntilHalted();
            }
            String message = e.getMessage();
            if (qemu != null) {
                qemu.close();
                if (!message.contains("QEMU said")) {
                    message += "; QEMU said: " + LauncherContext.tail(nodePaths.qemuLog(), 1500);
                }
            }
            return Launcher.failed(context, LauncherResult.FAILED, "clone restore failed: " + message, Launcher.EXIT_FAILED);
        }
    }

    private List<String> missingTemplateFiles(VmDefinition vm) {
        List<String> missing = new ArrayList<>();
        for (MemoryBackends.Backend backend : MemoryBackends.of(vm)) {
            if (!Files.isRegularFile(nodePaths.memoryFile(backend.id()))) {
                missing.add(PodContract.MEMORY_DIR + "/" + backend.id());
            }
        }
        if (!Files.isRegularFile(nodePaths.stateFile())) {
            missing.add(PodContract.STATE_DIR + "/" + NodePaths.STATE_FILE);
        }
        if (!Files.isRegularFile(nodePaths.metadataFile())) {
            missing.add(PodContract.STATE_DIR + "/" + NodePaths.METADATA_FILE);
        }
        return missing;
    }

    /** SIGTERM before the handover: QMP quit, wait for QEMU within the grace period, exit 0 (halt: the JVM would exit 143 otherwise). */
    private void quit() {
        if (handedOver || context.termination().written()) {
            return;
        }
        terminating = true;
        QemuProcess running = slot.stop();
        if (running == null || !running.isAlive()) {
            return;
        }
        RestoredClone restored = clone;
        try {
            if (restored != null && !qmpReleased) {
                restored.qmp().execute("quit");
            } else {
                running.close();
            }
        } catch (RuntimeException e) {
            // QEMU may close the socket before it answers: it is quitting
        }
        if (!running.waitForExit(QUIT_GRACE)) {
            running.close();
        }
        context.err().println("SIGTERM: QEMU quit");
        Runtime.getRuntime().halt(0);
    }
}
