package io.vmtemplating.launcher;

import io.vmtemplating.api.v1alpha1.VmTemplateSpec;
import io.vmtemplating.api.v1alpha1.types.FreezeTrigger;
import io.vmtemplating.qemu.FreezeResult;
import io.vmtemplating.qemu.HostFacts;
import io.vmtemplating.qemu.MemoryBackendKind;
import io.vmtemplating.qemu.NodePaths;
import io.vmtemplating.qemu.QemuCommandLine;
import io.vmtemplating.qemu.QemuProcess;
import io.vmtemplating.qemu.Role;
import io.vmtemplating.qemu.TemplateFreezer;
import io.vmtemplating.qemu.TemplateMetadata;
import io.vmtemplating.qemu.VmDefinition;
import io.vmtemplating.qemu.qmp.QmpClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code launcher template}: boot, stream the console, wait for the freeze trigger, freeze, report. Ready (/healthz
 * 200) once the trigger fired: the operator shows phase Freezing then. Any failure, SIGTERM included, removes the
 * partial files from the memory and state directories.
 */
final class TemplateBuild {
    private static final Duration FREEZE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration GUEST_AGENT_RETRY = Duration.ofMillis(100);
    private static final Duration GUEST_AGENT_POLL = Duration.ofSeconds(1);

    private final LauncherContext context;
    private final CompletableFuture<String> trigger = new CompletableFuture<>();
    private volatile String state = "starting";
    private volatile QemuProcess qemu;
    private volatile long overheadMillis = -1;
    private volatile boolean aborting;
    private final QemuSlot slot = new QemuSlot();
    private NodePaths nodePaths;

    TemplateBuild(LauncherContext context) {
        this.context = context;
    }

    int run() {
        StartWarmUp.begin();
        VmDefinition vm;
        FreezePlan plan;
        try {
            VmTemplateSpec spec = context.templateSpec();
            vm = context.render(spec);
            context.checkBootFiles(spec);
            plan = VmDefinitionRenderer.freezePlan(spec);
        } catch (InvalidSpecException e) {
            return Launcher.invalid(context.termination(), context.err(), e);
        }
        nodePaths = context.paths().nodePaths();
        Runtime.getRuntime().addShutdownHook(new Thread(this::abort, "sigterm"));
        LauncherHttp http = null;
        try {
            HostFacts host = context.hostFactsForCommandLine();
            List<String> argv;
            try {
                argv = QemuCommandLine.build(vm, nodePaths, host, Role.TEMPLATE);
            } catch (IllegalArgumentException e) {
                return Launcher.invalid(context.termination(), context.err(), new InvalidSpecException("spec.memory", e.getMessage()));
            }
            // a previous attempt on this node may have left files behind
            LauncherContext.clearDirectory(nodePaths.memoryDir());
            LauncherContext.clearDirectory(nodePaths.stateDir());
            Files.createDirectories(nodePaths.memoryDir());
            Files.createDirectories(nodePaths.stateDir());
            Files.createDirectories(nodePaths.runDir());
            if (vm.backend() == MemoryBackendKind.TMPFS) {
                Optional<String> noSpace = MemorySpace.shortfall(Files.getFileStore(nodePaths.memoryDir()).getUsableSpace(), vm.memoryMiB());
                if (noSpace.isPresent()) {
                    state = "failed";
                    return Launcher.failed(context, LauncherResult.NO_MEMORY_SPACE, noSpace.get(), Launcher.EXIT_FAILED);
                }
            }
            Files.deleteIfExists(nodePaths.qmpSocket());
            Files.deleteIfExists(nodePaths.serialSocket());

            qemu = slot.start(() -> QemuProcess.start(argv, nodePaths.qemuLog()));
            if (qemu == null) {
                return parkUntilHalted(); // SIGTERM came first: the hook reports, no QEMU was started
            }
            long qemuStartNanos = System.nanoTime();
            overheadMillis = context.millisSinceProcessStart();
            context.err().println(context.overheadLine(overheadMillis));
            state = "booting";
            ProcessHandle.of(qemu.pid()).ifPresent(handle -> handle.onExit().thenRun(() -> trigger.completeExceptionally(
                    new IllegalStateException("QEMU exited before the freeze trigger fired"))));
            if (vm.serialConsole()) {
                ConsoleStream.start(nodePaths.serialSocket(), line -> {
                    context.out().println(line);
                    if (plan.trigger() == FreezeTrigger.SerialConsole && plan.consolePattern().matcher(line).find()) {
                        trigger.complete("console line matched " + plan.consolePattern().pattern());
                    }
                }, qemu::isAlive);
            }
            http = serve();
            QmpClient qmp = QmpClient.connect(nodePaths.qmpSocket(), Duration.ofSeconds(30), Duration.ofSeconds(30), qemu::isAlive);
            armTrigger(plan);

            String firedBy = awaitTrigger(plan, qemuStartNanos);
            long bootMillis = (System.nanoTime() - qemuStartNanos) / 1_000_000;
            state = "freezing";
            context.err().println("freeze trigger fired (" + firedBy + ") after " + bootMillis + " ms; freezing");
            FreezeResult frozen = new TemplateFreezer(FREEZE_TIMEOUT).freeze(qmp, vm, nodePaths, argv, bootMillis);
            qmp.close();
            qemu.waitForExit(Duration.ofSeconds(10));
            state = "frozen";
            TemplateMetadata metadata = frozen.metadata();
            LauncherResult result = new LauncherResult(LauncherResult.FROZEN, metadata.qemuVersion(), bootMillis, frozen.freezeMillis(),
                    metadata.memoryFiles().stream().map(f -> PodContract.MEMORY_DIR + "/" + f.backendId()).toList(),
                    PodContract.STATE_DIR + "/" + NodePaths.STATE_FILE, PodContract.STATE_DIR + "/" + NodePaths.METADATA_FILE,
                    metadata.stateBytes(), null);
            if (!context.termination().write(result)) {
                return parkUntilHalted();
            }
            context.err().println("frozen in " + frozen.freezeMillis() + " ms; state " + metadata.stateBytes() + " bytes");
            return 0;
        } catch (Exception e) {
            if (aborting || context.termination().written()) {
                return parkUntilHalted(); // SIGTERM: the hook reports and cleans up
            }
            String message = e.getMessage();
            if (qemu != null) {
                qemu.close();
                if (vm.backend() == MemoryBackendKind.TMPFS && qemu.exitCode().orElse(0) == MemorySpace.SIGBUS_EXIT) {
                    // the space a retry would have: without this build's partial file
                    removePartialFiles();
                    state = "failed";
                    return Launcher.failed(context, LauncherResult.NO_MEMORY_SPACE, MemorySpace.afterSigbus(MemorySpace.SIGBUS_EXIT,
                            usableSpace(nodePaths.memoryDir()), vm.memoryMiB()).orElseThrow(), Launcher.EXIT_FAILED);
                }
                message += "; QEMU " + qemu.exitCode().stream().mapToObj(c -> "exit code " + c).findFirst().orElse("")
                        + " said: " + LauncherContext.tail(nodePaths.qemuLog(), 1500);
            }
            removePartialFiles();
            state = "failed";
            return Launcher.failed(context, LauncherResult.FAILED, "template build failed: " + message, Launcher.EXIT_FAILED);
        } finally {
            if (http != null) {
                http.close();
            }
        }
    }

    private LauncherHttp serve() throws Exception {
        LauncherHttp http = LauncherHttp.start(context.podIp(), context.httpPort(), LauncherToken.read(context.paths()));
        http.get(PodContract.PATH_HEALTHZ, () -> trigger.isDone() && !trigger.isCompletedExceptionally()
                ? LauncherHttp.Response.text(200, "ok\n") : LauncherHttp.Response.text(503, state + "\n"));
        http.get(PodContract.PATH_STATUS, () -> LauncherHttp.Response.json(200,
                "{\"state\":\"" + state + "\",\"launcherOverheadMillis\":" + overheadMillis + "}"));
        http.post(PodContract.PATH_FREEZE, () -> {
            trigger.complete("manual freeze request");
            return LauncherHttp.Response.text(202, "freezing\n");
        });
        return http;
    }

    private void armTrigger(FreezePlan plan) {
        if (plan.trigger() == FreezeTrigger.Delay) {
            CompletableFuture.delayedExecutor(plan.delay().toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> trigger.complete("delay of " + plan.delay().toSeconds() + " s"));
        } else if (plan.trigger() == FreezeTrigger.GuestAgent) {
            Thread poller = new Thread(() -> {
                while (!trigger.isDone()) {
                    if (GuestAgentPing.ping(nodePaths.runDir().resolve(VmDefinitionRenderer.GUEST_AGENT_SOCKET), GUEST_AGENT_POLL)) {
                        trigger.complete("guest agent answered guest-ping");
                    } else {
                        // a refused connect returns at once: pause, or this thread spins a core the booting guest needs
                        try {
                            Thread.sleep(GUEST_AGENT_RETRY.toMillis());
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, "guest-agent");
            poller.setDaemon(true);
            poller.start();
        }
    }

    private String awaitTrigger(FreezePlan plan, long qemuStartNanos) throws Exception {
        long remainingNanos = plan.timeout().toNanos() - (System.nanoTime() - qemuStartNanos);
        try {
            return trigger.get(Math.max(0, remainingNanos), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("freeze trigger " + plan.trigger() + " did not fire within "
                    + plan.timeout().toSeconds() + " s (spec.freeze.timeoutSeconds)");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** SIGTERM (or any JVM exit before a result): kill QEMU, remove partial files, report. */
    private void abort() {
        if (context.termination().written()) {
            return;
        }
        aborting = true;
        QemuProcess running = slot.stop();
        if (running != null) {
            running.close();
        }
        removePartialFiles();
        context.termination().write(LauncherResult.failure(LauncherResult.FAILED, "aborted by SIGTERM"));
        context.err().println("aborted by SIGTERM; partial template files removed");
    }

    /** Free space where the memory file was, measured after QEMU's end (0 when the directory cannot be read). */
    private static long usableSpace(java.nio.file.Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private void removePartialFiles() {
        if (nodePaths != null) {
            LauncherContext.clearDirectory(nodePaths.memoryDir());
            LauncherContext.clearDirectory(nodePaths.stateDir());
        }
    }

    static int parkUntilHalted() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Launcher.EXIT_FAILED;
    }
}
