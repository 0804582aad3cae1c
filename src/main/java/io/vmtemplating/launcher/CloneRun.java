package io.vmtemplating.launcher;

import io.vmtemplating.api.v1alpha1.VmCloneSpec;
import io.vmtemplating.api.v1alpha1.VmTemplateSpec;
import io.vmtemplating.api.v1alpha1.types.ClaimDataTarget;
import io.vmtemplating.qemu.CloneAdditions;
import io.vmtemplating.qemu.CloneRestorer;
import io.vmtemplating.qemu.HostFacts;
import io.vmtemplating.qemu.MemoryBackends;
import io.vmtemplating.qemu.NodePaths;
import io.vmtemplating.qemu.QemuLauncher;
import io.vmtemplating.qemu.QemuProcess;
import io.vmtemplating.qemu.RestoredClone;
import io.vmtemplating.qemu.VmDefinition;
import io.vmtemplating.qemu.qmp.QmpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@code launcher clone}: restore, run (or stay paused), serve /healthz, /status, /metrics, POST /pause and /resume
 * until the guest powers off (exit 0), QEMU dies (non-zero, QEMU's last words in the termination message) or the pod
 * is deleted (SIGTERM: QMP quit, exit 0).
 */
final class CloneRun {
    private static final Duration QUIT_GRACE = Duration.ofSeconds(20);
    static final String GUEST_REBOOTED = "the guest rebooted; a clone continues its template's boot and cannot boot again"
            + " (its QEMU holds no kernel or initrd): delete the VmClone and create it again";

    private final LauncherContext context;
    private static final LauncherHttp.Response PAUSED = LauncherHttp.Response.json(200, "{\"state\":\"paused\"}");
    private static final LauncherHttp.Response RUNNING = LauncherHttp.Response.json(200, "{\"state\":\"running\"}");
    private final CompletableFuture<LauncherHttp> http = new CompletableFuture<>();
    private volatile RestoredClone clone;
    private volatile QemuProcess qemu;
    private final QemuSlot slot = new QemuSlot();
    private volatile boolean ready;
    private volatile boolean terminating;
    /** The reason of the SHUTDOWN event the guest caused (QEMU's words), null while it caused none. */
    private volatile String guestShutdownReason;
    private volatile long overheadMillis = -1;
    private volatile long restoreMillis = -1;
    private NodePaths nodePaths;
    /** The template's spec.claimData; null when its guest takes none (POST /claim-data is then refused). */
    private volatile ClaimDataTarget claimData;
    /** The last POST /claim-data's outcome, in /status for the operator. */
    private volatile ClaimDelivery delivery;
    private final Object deliveryLock = new Object();

    /** What the guest acknowledged (or why not), for one clone uid. */
    record ClaimDelivery(String uid, String state, int files, long millis, String secretResourceVersion, String error) {
        static final String DELIVERED = "delivered";
        static final String FAILED = "failed";
    }

    CloneRun(LauncherContext context) {
        this.context = context;
    }

    int run() {
        StartWarmUp.begin();
        VmDefinition vm;
        CloneAdditions additions;
        VmCloneSpec cloneSpec;
        try {
            VmTemplateSpec templateSpec = context.templateSpec();
            cloneSpec = context.cloneSpec(templateSpec);
            vm = context.render(templateSpec);
            claimData = templateSpec.claimData();
            context.checkBootFiles(templateSpec);
            additions = VmDefinitionRenderer.additions(cloneSpec, vm);
        } catch (InvalidSpecException e) {
            return Launcher.invalid(context.termination(), context.err(), e);
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
            overheadMillis = context.millisSinceProcessStart();
            context.err().println(context.overheadLine(overheadMillis));
            if (vm.serialConsole()) {
                ConsoleStream.start(nodePaths.serialSocket(), context.out()::println, started::isAlive);
            }
            startHttpInBackground();
            QemuLauncher starter = (restorerArgv, paths) -> {
                if (!restorerArgv.equals(argv)) {
                    throw new IllegalStateException("the restorer built another command line than the launcher started: " + restorerArgv);
                }
                return started;
            };
            clone = new CloneRestorer(starter, VmDefinitionRenderer.restoreTimeout(cloneSpec)).restore(vm, nodePaths, commandLineHost, additions, running);
            QmpClient qmp = clone.qmp();
            qmp.addEventListener(event -> {
                if (event.name().equals("SHUTDOWN") && event.data().path("guest").asBoolean(false)) {
                    guestShutdownReason = event.data().path("reason").asText();
                }
            });
            restoreMillis = context.millisSinceProcessStart();
            ready = true;
            if (!running) {
                // a paused clone (a pool member) waits for its resume: pay the first use of that path now
                CommandPathWarmUp.begin(qmp, http.join(), context.podIp(), context.err());
            }
            if (claimData != null) {
                ClaimDataWarmUp.begin(claimData.directory());
            }
            context.err().println("clone " + (running ? "running" : "paused") + " after restoreMillis="
                    + restoreMillis + " (restorer: " + clone.timings() + ")");
            http.join();
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
        return awaitQemuExit();
    }

    private int awaitQemuExit() {
        ProcessHandle.of(qemu.pid()).ifPresent(handle -> handle.onExit().join());
        qemu.waitForExit(Duration.ofSeconds(5));
        if (terminating) {
            return TemplateBuild.parkUntilHalted(); // the SIGTERM hook finishes and exits 0
        }
        LauncherResult ended = ended(qemu.exitCode().orElse(-1), guestShutdownReason,
                () -> LauncherContext.tail(nodePaths.qemuLog(), 1500));
        if (ended.outcome().equals(LauncherResult.POWERED_OFF)) {
            context.termination().write(ended);
            context.err().println("guest powered off");
            return 0;
        }
        return Launcher.failed(context, ended.outcome(), ended.error(), Launcher.EXIT_FAILED);
    }

    /**
     * What a clone's ended QEMU means.
     *
     * @param guestShutdownReason the reason of a SHUTDOWN event the guest caused ("guest-shutdown", "guest-reset", …),
     *                            null when the guest caused none
     */
    static LauncherResult ended(int qemuExitCode, String guestShutdownReason, Supplier<String> qemuLogTail) {
        if ("guest-reset".equals(guestShutdownReason)) {
            // -no-reboot (BootStub): the clone's QEMU has no kernel to boot again
            return LauncherResult.failure(LauncherResult.FAILED, GUEST_REBOOTED);
        }
        if (qemuExitCode == 0 || guestShutdownReason != null) {
            return new LauncherResult(LauncherResult.POWERED_OFF, null, null, null, null, null, null, null, null);
        }
        return LauncherResult.failure(LauncherResult.FAILED, "QEMU exited unexpectedly with code " + qemuExitCode + ": " + qemuLogTail.get());
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

    private void startHttpInBackground() {
        Thread thread = new Thread(() -> {
            try {
                http.complete(serve());
            } catch (Exception e) {
                http.completeExceptionally(e);
            }
        }, "http-start");
        thread.setDaemon(true);
        thread.start();
    }

    private LauncherHttp serve() throws Exception {
        LauncherHttp server = LauncherHttp.start(context.podIp(), context.httpPort(), LauncherToken.read(context.paths()));
        server.get(PodContract.PATH_HEALTHZ, () -> ready && qemu.isAlive()
                ? LauncherHttp.Response.text(200, "ok\n") : LauncherHttp.Response.text(503, "restoring\n"));
        server.get(PodContract.PATH_STATUS, () -> LauncherHttp.Response.json(200, statusJson()));
        server.get(PodContract.PATH_METRICS, () -> new LauncherHttp.Response(200, MetricsPage.CONTENT_TYPE, metrics()));
        server.post(PodContract.PATH_PAUSE, () -> command("stop", PAUSED));
        server.post(PodContract.PATH_RESUME, () -> command("cont", RUNNING));
        server.post(PodContract.PATH_CLAIM_DATA, this::deliverClaimData);
        return server;
    }

    /**
     * Runs a QMP command and answers with the state it leaves (QEMU answers {@code cont} and {@code stop} only once the
     * guest runs or stands, and refuses them otherwise): no {@code query-status} after it, a QMP round trip of 1–8 ms a
     * claim would wait for; no memory figures (smaps of a big guest take milliseconds); /status reads both back.
     */
    private LauncherHttp.Response command(String qmpCommand, LauncherHttp.Response answer) throws Exception {
        if (!ready) {
            return LauncherHttp.Response.text(503, "restoring\n");
        }
        clone.qmp().execute(qmpCommand);
        return answer;
    }

    /**
     * Writes the clone's identity and claim data into the guest through its agent and answers once the agent
     * acknowledged the last file; the same uid again answers what was delivered without writing twice.
     */
    private LauncherHttp.Response deliverClaimData(byte[] body) throws Exception {
        ClaimDataTarget target = claimData;
        if (target == null) {
            return LauncherHttp.Response.text(409, "the template declares no spec.claimData: its guest takes no claim data\n");
        }
        if (!ready || !state().equals("running")) {
            return LauncherHttp.Response.text(503, "the guest is not running: its agent cannot answer\n");
        }
        ClaimFiles files;
        try {
            files = ClaimFiles.of(Json.MAPPER.readTree(body), target.directory());
        } catch (RuntimeException | java.io.IOException e) {
            return LauncherHttp.Response.text(400, e.getMessage() + "\n");
        }
        synchronized (deliveryLock) {
            ClaimDelivery last = delivery;
            if (last == null || !last.uid().equals(files.uid()) || !last.state().equals(ClaimDelivery.DELIVERED)) {
                delivery = deliver(files, Duration.ofSeconds(target.timeoutSeconds() == null ? 30 : target.timeoutSeconds()));
            }
            return LauncherHttp.Response.json(delivery.state().equals(ClaimDelivery.DELIVERED) ? 200 : 502,
                    Json.write(delivery));
        }
    }

    private ClaimDelivery deliver(ClaimFiles files, Duration timeout) {
        long start = System.nanoTime();
        try (GuestAgentClient agent = GuestAgentClient.connect(nodePaths.runDir().resolve(VmDefinitionRenderer.GUEST_AGENT_SOCKET), timeout)) {
            long mkdirMillis = 0;
            for (ClaimFiles.GuestFile file : files.files()) {
                try {
                    agent.writeFile(file.path(), file.content());
                } catch (GuestAgentClient.GuestAgentException e) {
                    // a directory the image did not create: made once (a process in the guest, so only when needed)
                    if (mkdirMillis > 0 || !e.getMessage().contains("No such file or directory")) {
                        throw e;
                    }
                    long mkdirStart = System.nanoTime();
                    agent.mkdirs(files.dataDirectory());
                    mkdirMillis = Math.max(1, (System.nanoTime() - mkdirStart) / 1_000_000);
                    agent.writeFile(file.path(), file.content());
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            context.err().println("claim data delivered: " + files.files().size() + " files in " + millis + " ms"
                    + (mkdirMillis > 0 ? " (of which mkdir " + mkdirMillis + " ms)" : ""));
            return new ClaimDelivery(files.uid(), ClaimDelivery.DELIVERED, files.files().size(), millis, files.secretResourceVersion(), null);
        } catch (Exception e) {
            long millis = (System.nanoTime() - start) / 1_000_000;
            context.err().println("claim data not delivered after " + millis + " ms: " + e.getMessage());
            return new ClaimDelivery(files.uid(), ClaimDelivery.FAILED, 0, millis, files.secretResourceVersion(), e.getMessage());
        }
    }

    private String state() {
        if (!ready) {
            return "restoring";
        }
        String status = clone.qmp().execute("query-status").path("status").asText();
        return status.equals("running") ? "running" : status.equals("paused") ? "paused" : status;
    }

    private String statusJson() throws Exception {
        StringBuilder json = new StringBuilder("{\"state\":\"").append(state()).append('"')
                .append(",\"restoreMillis\":").append(restoreMillis)
                .append(",\"launcherOverheadMillis\":").append(overheadMillis);
        ClaimDelivery delivered = delivery;
        if (delivered != null) {
            json.append(",\"claimData\":").append(Json.write(delivered));
        }
        if (ready) {
            ProcessMemory.Figures memory = memory();
            json.append(",\"memory\":{\"rssMiB\":").append(memory.rssMiB()).append(",\"pssMiB\":").append(memory.pssMiB())
                    .append(",\"privateMiB\":").append(memory.privateMiB())
                    .append(",\"sharedWithTemplateMiB\":").append(memory.sharedWithTemplateMiB())
                    .append(",\"guestPrivateMiB\":").append(memory.guestPrivateMiB())
                    .append(",\"qemuOverheadMiB\":").append(memory.qemuOverheadMiB())
                    .append(",\"launcherRssMiB\":").append(ProcessMemory.ownRssMiB()).append('}');
        }
        return json.append('}').toString();
    }

    private String metrics() throws Exception {
        MetricsPage page = new MetricsPage()
                .gauge("vmtemplating_launcher_guest_running", "1 when the guest runs, 0 when it is paused or restoring",
                        state().equals("running") ? 1 : 0);
        // each figure once it is known: a missing series, not a made-up value, says "not yet"
        if (overheadMillis >= 0) {
            page.gauge("vmtemplating_launcher_overhead_seconds", "Launcher process start until QEMU was started",
                    overheadMillis / 1000.0);
        }
        if (restoreMillis >= 0) {
            page.gauge("vmtemplating_launcher_restore_seconds", "Launcher process start until the guest ran (or stood paused)",
                    restoreMillis / 1000.0);
        }
        if (ready) {
            ProcessMemory.Figures memory = memory();
            page.gauge("vmtemplating_launcher_qemu_rss_bytes", "QEMU's resident set size (whole MiB)", bytes(memory.rssMiB()))
                    .gauge("vmtemplating_launcher_qemu_pss_bytes", "QEMU's proportional set size (whole MiB)", bytes(memory.pssMiB()))
                    .gauge("vmtemplating_launcher_qemu_private_bytes", "QEMU's pages no other process maps (whole MiB)",
                            bytes(memory.privateMiB()))
                    .gauge("vmtemplating_launcher_qemu_shared_with_template_bytes",
                            "QEMU's resident pages still shared with the template's memory file (whole MiB)",
                            bytes(memory.sharedWithTemplateMiB()))
                    .gauge("vmtemplating_launcher_guest_private_bytes",
                            "The guest's copy-on-write copies of template pages: what it wrote since the freeze (whole MiB)",
                            bytes(memory.guestPrivateMiB()))
                    .gauge("vmtemplating_launcher_qemu_overhead_bytes",
                            "QEMU's own anonymous memory outside the guest's RAM: heap, TCG code cache, device buffers (whole MiB)",
                            bytes(memory.qemuOverheadMiB()));
        }
        // the launcher's own figure is known from its start, before any restore
        page.gauge("vmtemplating_launcher_rss_bytes", "The launcher process's own resident set size (whole MiB)",
                bytes(ProcessMemory.ownRssMiB()));
        return page.text();
    }

    private static double bytes(long mebibytes) {
        return mebibytes * 1024.0 * 1024.0;
    }

    private ProcessMemory.Figures memory() throws Exception {
        Path memoryDir = nodePaths.memoryDir();
        return ProcessMemory.read(qemu.pid(), memoryDir.toRealPath());
    }

    /** SIGTERM: QMP quit, wait for QEMU within the grace period, exit 0 (halt: the JVM would exit 143 otherwise). */
    private void quit() {
        if (context.termination().written()) {
            return;
        }
        terminating = true;
        QemuProcess running = slot.stop();
        if (running == null || !running.isAlive()) {
            return;
        }
        RestoredClone restored = clone;
        try {
            if (restored != null) {
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
