package io.vmtemplating.bench;

import io.vmtemplating.local.LocalCluster;
import io.vmtemplating.local.LocalSession;
import io.vmtemplating.local.WebhookRules;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code vmt bench [--only launcher,vm,pool,pool-cluster,nodes,operator,webhook,kubelet] [--clones 1000] [--webhook-seconds 15] [--kubeconfig PATH]}:
 * the launcher's overhead, clone start and memory against cold boot, operator scale and webhook latency in one run;
 * prints the markdown table and writes target/bench/results.json. The operator and webhook parts run against fabric8's
 * embedded API server, or against the real one {@code --kubeconfig} names ({@link ClusterBench}).
 */
public final class BenchCommand {
    static final String USAGE = """
            usage: vmt bench [--only launcher,vm,pool,pool-cluster,nodes,operator,webhook,kubelet] [--clones 1000] [--webhook-seconds 15] [--kubeconfig PATH]
              --only nodes       a template on 3 local nodes: starts make cluster NODES=3 in target/bench/nodes-cluster and
                                 stops it again
              --only pool-cluster the pool's claims through a real API server: starts make cluster in
                                 target/bench/pool-cluster and stops it again (keys ending _real_api)
              --only kubelet     clones through a real kubelet: starts make cluster NODE=kubelet (root, containerd, the image
                                 make image builds) in target/bench/kubelet-cluster and stops it again; not in the default run
              --kubeconfig PATH  run the operator and webhook parts against the real API server of this admin kubeconfig
                                 (default: fabric8's embedded mock). Only this flag picks it, never $KUBECONFIG: the bench
                                 installs crds/ and the operator's RBAC there and creates a namespace of 1000 clones.
                                 With it, --only defaults to operator,webhook. e.g. VMT_CLUSTER_NODE=0
                                 VMT_CLUSTER_OPERATOR=0 bash hack/cluster/up.sh, then --kubeconfig with the path it prints""";
    /** Three rounds of one clone (the start figures are their medians), then 4 and 8 at once. */
    private static final List<Integer> ROUNDS = List.of(1, 1, 1, 4, 8);
    private static final int COLD_VMS = 8;
    /** What each clone's guest writes in the guest-write round (the demo guest's tmpfs holds up to 300 MiB). */
    private static final int GUEST_WRITE_MIB = 64;
    /** The kubelet part: clones one at a time (the figure is their median), then this many at once (issue 14). */
    private static final int KUBELET_SINGLES = 3;
    private static final int KUBELET_BURST = 8;
    /** Members of the pool part, and claims per round (issue 16 names 20). */
    private static final int POOL_SIZE = 20;
    /** Clone launchers started one after another for the launcher part. */
    private static final int LAUNCHER_CLONES = 10;
    /**
     * The operator's JVM sized as in its container (deploy/deployment.yaml: limit 512Mi): the JVM's ergonomics then
     * pick what they pick there (a 128 MiB heap limit, SerialGC on 2 cores) instead of sizing for the whole host; and
     * C1 only, as `vmt operator` runs it.
     */
    static final List<String> OPERATOR_JAVA_OPTIONS = List.of("-XX:MaxRAM=512m", "-XX:TieredStopAtLevel=1");
    /** How results.json names fabric8's embedded API server. */
    static final String MOCK_API_SERVER = "fabric8-mock";
    private static final double MOCK_RECONCILE_TARGET_SECONDS = 60;

    private BenchCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        BenchOptions options;
        ClusterTarget cluster;
        try {
            options = BenchOptions.parse(args);
            // before anything starts: a bad kubeconfig or a server that is down is one line, not a stack trace later
            cluster = options.kubeconfig() == null ? null : ClusterTarget.connect(options.kubeconfig());
        } catch (BadBenchInput e) {
            err.println("vmt bench: " + e.getMessage());
            if (e.getMessage().startsWith("unknown option") || e.getMessage().contains("needs a value")) {
                err.println(USAGE);
            }
            return 2;
        }
        try {
            return run(options, cluster, out, err);
        } catch (BadBenchInput e) {
            err.println("vmt bench: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            if (Teardown.signalled()) {
                return 130; // stopped by SIGINT/SIGTERM: what failed here failed because the teardown removed it
            }
            throw e;
        }
    }

    private static int run(BenchOptions options, ClusterTarget cluster, PrintStream out, PrintStream err) throws Exception {
        Set<String> parts = options.parts();
        int clones = options.clones();
        int webhookSeconds = options.webhookSeconds();
        Path dir = LocalSession.home().resolve("target/bench");
        Files.createDirectories(dir);
        BenchResults results = new BenchResults();
        Machine.facts(VmBench.accel()).forEach(results::machine);
        results.detail("load_average_at_start", Machine.loadAverage());
        long start = System.nanoTime();
        if (parts.contains("launcher")) {
            // first: the machine is at its quietest before the other parts
            launcher(LauncherBench.run(LAUNCHER_CLONES, err), results);
        }
        if (parts.contains("vm")) {
            vm(VmBench.run(ROUNDS, COLD_VMS, GUEST_WRITE_MIB, err), results);
        }
        if (parts.contains("launcher") && parts.contains("vm")) {
            // the same ratio without the local cluster's operator and API server on the two cores
            results.figure("clone_alone_to_cold_ratio", "clone start alone / cold boot",
                    results.value("clone_start_alone_ms") / (results.value("cold_boot_s") * 1000), 1.0 / 25, "≤ 1/25 (0.04)");
        }
        if (parts.contains("pool")) {
            pool(PoolBench.run(POOL_SIZE, err), results);
        }
        if (parts.contains(BenchOptions.POOL_REAL_API)) {
            poolClaims(PoolBench.runOnRealApiServer(POOL_SIZE, err), results, "_real_api", REAL_API);
            apiFloor(ApiFloorBench.run(LocalSession.home(), dir.resolve("pool-cluster/apifloor.log"), err), results);
        }
        if (parts.contains("nodes")) {
            nodes(NodesBench.run(err), results);
        }
        if (parts.contains(BenchOptions.KUBELET)) {
            kubelet(KubeletBench.run(KUBELET_SINGLES, KUBELET_BURST, dir, err), results);
        }
        if (cluster != null && (parts.contains("operator") || parts.contains("webhook"))) {
            ClusterBench.run(cluster, parts, clones, webhookSeconds, OPERATOR_JAVA_OPTIONS, dir, results, err);
        } else {
            if (parts.contains("operator") || parts.contains("webhook")) {
                results.apiServer(MOCK_API_SERVER);
            }
            if (parts.contains("operator")) {
                operator(OperatorBench.run(clones, LocalSession.home().resolve("samples/demo/template.yaml"), OPERATOR_JAVA_OPTIONS,
                        dir.resolve("operator.log"), err), MOCK_RECONCILE_TARGET_SECONDS, OPERATOR_JAVA_OPTIONS, results);
            }
            if (parts.contains("webhook")) {
                webhook(webhookSeconds, dir.resolve("webhook.log"), results, err);
            }
        }
        results.detail("bench_seconds", Math.round((System.nanoTime() - start) / 1e9));
        results.detail("load_average_at_end", Machine.loadAverage());
        Files.writeString(dir.resolve("results.json"), results.toJson());
        out.println();
        out.print(results.toMarkdown());
        out.println();
        out.println("written: " + dir.resolve("results.json"));
        return 0;
    }

    static void vm(VmBench.Result vm, BenchResults results) {
        List<VmBench.CloneSample> singles = vm.rounds().stream().filter(r -> r.clones() == 1)
                .flatMap(r -> r.samples().stream()).toList();
        double cold = vm.cold().firstBootMillis();
        double cloneStart = Percentiles.median(singles.stream().map(VmBench.CloneSample::restoreMillis).toList());
        results.figure("cold_boot_s", "cold boot, QEMU start → guest ready (one VM alone)", cold / 1000)
                .figure("clone_start_ms", "clone start, launcher start → guest running (N=1, median of 3)", cloneStart)
                .figure("clone_cr_to_running_ms", "clone, CR created → Running (N=1, median of 3)",
                        Percentiles.median(singles.stream().map(VmBench.CloneSample::crToRunningMillis).toList()))
                .figure("clone_to_cold_ratio", "clone start / cold boot", cloneStart / cold, 1.0 / 25, "≤ 1/25 (0.04)");
        for (VmBench.Round round : vm.rounds()) {
            if (round.clones() > 1) {
                results.figure("clone_start_ms_n" + round.clones() + "_max", "clone start, slowest of " + round.clones() + " started at once",
                        Percentiles.max(round.samples().stream().map(VmBench.CloneSample::restoreMillis).toList()))
                        .figure("clone_cr_to_running_ms_n" + round.clones() + "_max", "clone CR created → Running, slowest of " + round.clones(),
                                Percentiles.max(round.samples().stream().map(VmBench.CloneSample::crToRunningMillis).toList()));
            }
        }
        VmBench.Round eight = vm.rounds().get(vm.rounds().size() - 1);
        int n = eight.clones();
        int coldN = vm.cold().vms();
        double clonePss = eight.sum(VmBench.CloneSample::pssMiB) / (double) n;
        double coldPss = vm.cold().pssMiB() / (double) coldN;
        results.figure("memory_per_clone_mb_n8", "memory per clone at N=" + n + ", QEMU PSS (MiB)", clonePss)
                .figure("memory_per_cold_vm_mb", "memory per cold VM at N=" + coldN + ", QEMU PSS (MiB)", coldPss)
                .figure("memory_clone_to_cold_ratio_n8", "clone / cold VM memory (PSS)", clonePss / coldPss, 1.0 / 6, "≤ 1/6 (0.167)")
                .figure("private_per_clone_mb_n8", "private per clone at N=" + n + " (MiB)", eight.sum(VmBench.CloneSample::privateMiB) / (double) n)
                .figure("private_per_cold_vm_mb", "private per cold VM (MiB)", vm.cold().privateMiB() / (double) coldN)
                .figure("guest_private_per_clone_mb_n8", "the guest's copy-on-write pages per clone at N=" + n + " (MiB)",
                        eight.sum(VmBench.CloneSample::guestPrivateMiB) / (double) n)
                .figure("qemu_overhead_per_clone_mb_n8", "QEMU's own anonymous memory per clone at N=" + n + " (MiB)",
                        eight.sum(VmBench.CloneSample::qemuOverheadMiB) / (double) n)
                .figure("launcher_rss_per_clone_mb_n8", "launcher RSS per clone at N=" + n + " (the clone keeper; the JVM exits after the restore) (MiB)",
                        eight.sum(VmBench.CloneSample::launcherRssMiB) / (double) n)
                .figure("memavailable_drop_per_clone_mb_n8", "MemAvailable drop per clone, launcher included (MiB)",
                        eight.memAvailableDropMiB() / (double) n, 32, "≤ 32")
                .figure("memavailable_drop_per_cold_vm_mb", "MemAvailable drop per cold VM (MiB)", vm.cold().memAvailableDropMiB() / (double) coldN);
        List<Long> overheads = singles.stream().map(VmBench.CloneSample::launcherOverheadMillis).toList();
        List<Long> allOverheads = vm.rounds().stream().flatMap(r -> r.samples().stream()).map(VmBench.CloneSample::launcherOverheadMillis).toList();
        results.figure("launcher_overhead_ms_in_cluster", "launcher overhead in the local cluster (N=1, median of 3)", Percentiles.median(overheads))
                .figure("launcher_overhead_ms_all_median", "launcher overhead in the local cluster, median of every clone (N=1…8)",
                        Percentiles.median(allOverheads));
        GuestWriteRound.Result writes = vm.guestWrites();
        results.figure("guest_private_growth_per_clone_mb_write" + writes.writeMiB(), "guest private growth per clone when each of "
                        + writes.clones() + " guests wrote " + writes.writeMiB() + " MiB (MiB)", writes.meanGuestPrivateGrowthMiB())
                .figure("qemu_overhead_growth_per_clone_mb_write" + writes.writeMiB(), "QEMU overhead growth per clone in the same round (MiB)",
                        writes.meanQemuOverheadGrowthMiB());
        results.detail("template_boot_ms", vm.templateBootMillis()).detail("template_cr_to_ready_ms", vm.templateCrToReadyMillis())
                .detail("clone_rounds", vm.rounds()).detail("cold_vms", vm.cold()).detail("guest_writes", writes);
    }

    static final String EMBEDDED_API = "embedded (fabric8 mock with the webhook's rules), operator in process, local node: QEMU needs this machine";
    static final String REAL_API = "real (make cluster: kube-apiserver, etcd, scheduler, controller-manager, the operator as its own"
            + " process, the local node)";

    /** Issue 16's claim figures through one API server; keys end with {@code suffix} ("" for the embedded one). */
    static void poolClaims(PoolBench.Result pool, BenchResults results, String suffix, String apiServer) {
        List<Long> claims = pool.claimMillis();
        long[] sorted = Percentiles.sorted(claims.stream().mapToLong(Long::longValue).toArray());
        String through = suffix.isEmpty() ? "" : " (real API server)";
        results.figure("pool_claim_first_ms" + suffix, "the operator's first claim (claim path not yet JIT-compiled), created → Running"
                        + through, pool.firstClaimMillis())
                .figure("pool_claim_ms_p50" + suffix, "claim on a settled pool, VmClone created → Running via the watch, p50 of "
                        + claims.size() + " in a row after the first" + through, Percentiles.median(claims), 20, "≤ 20")
                .figure("pool_claim_ms_p99" + suffix, "claim, p99 of " + claims.size() + " in a row" + through, Percentiles.of(sorted, 0.99),
                        60, "≤ 60")
                .figure("pool_claim_burst_max_ms" + suffix, "claim, slowest of " + pool.burstMillis().size() + " created at once" + through,
                        Percentiles.max(pool.burstMillis()), 500, "≤ 500")
                .figure("pool_refill_s" + suffix, pool.size() + " members back to Ready after a burst took them all (s)" + through,
                        pool.refillMillis() / 1000.0)
                .figure("pool_empty_fallback_ms" + suffix, "claim on an empty pool (cold path), created → Running" + through,
                        pool.fallbackMillis());
        results.detail("pool" + suffix, Map.of("size", pool.size(), "fill_ms", pool.fillMillis(), "claim_ms", claims, "burst_ms",
                pool.burstMillis(), "paths", pool.paths(), "operator_claim_ms", pool.operatorClaimMillis(), "member_pss_mib",
                pool.memberPssMiB(), "api_server", apiServer));
    }

    /**
     * What the real API server alone gives a claim in the same hour (hack/apifloor), and how far the product's p50 is
     * above it: the share of the claim that is ours (webhook, pool read, resume, the operator's and bench's JVMs).
     */
    static void apiFloor(ApiFloorBench.Result floor, BenchResults results) {
        String what = "the API server alone, claim created → Running with client-go on both sides (hack/apifloor), ";
        int measured = floor.claimMicros().size();
        results.figure("pool_claim_floor_ms_p50_real_api", what + "p50 of " + measured, floor.p50Millis())
                .figure("pool_claim_floor_ms_p99_real_api", what + "p99 of " + measured, floor.p99Millis());
        // measured right after the product's claims through the real API server (poolClaims, "_real_api")
        results.figure("pool_claim_above_floor_ms_p50_real_api", "claim p50 above that floor (real API server)",
                results.value("pool_claim_ms_p50_real_api") - floor.p50Millis());
        results.detail("api_floor", Map.of("claim_us", floor.claimMicros(), "skipped_first", ApiFloorBench.SKIPPED,
                "method", "docs/pools.md, \"The real API server's floor\""));
    }

    /** Issue 16's figures; with the vm part, a paused member's memory against a cold VM's. */
    static void pool(PoolBench.Result pool, BenchResults results) {
        poolClaims(pool, results, "", EMBEDDED_API);
        results.figure("pool_member_pss_mb", "a paused member's QEMU PSS (MiB, mean of " + pool.memberPssMiB().size() + ")",
                        pool.memberPssMiB().stream().mapToLong(Long::longValue).average().orElse(Double.NaN));
        if (!Double.isNaN(results.value("memory_per_cold_vm_mb"))) {
            results.figure("pool_member_to_cold_ratio", "paused member / cold VM memory (PSS)",
                    results.value("pool_member_pss_mb") / results.value("memory_per_cold_vm_mb"), 1.0 / 6, "≤ 1/6 (0.167)");
        }
    }

    static void nodes(NodesBench.Result nodes, BenchResults results) {
        results.figure("template_nodes_ready_s", "template on " + NodesBench.NODES + " nodes, created → every copy Ready (s)",
                        nodes.allCopiesMillis() / 1000.0)
                .figure("template_first_copy_ready_s", "template on " + NodesBench.NODES + " nodes, created → first copy Ready (s)",
                        nodes.firstCopyMillis() / 1000.0);
        Map<String, List<NodesBench.CloneSample>> byNode = nodes.byNode();
        List<Integer> counts = nodes.bootMillis().keySet().stream().map(n -> byNode.getOrDefault(n, List.of()).size()).toList();
        results.figure("clone_spread_skew", NodesBench.CLONES + " clones at once: most minus fewest on one node (0: even)",
                counts.stream().mapToInt(Integer::intValue).max().orElse(0) - counts.stream().mapToInt(Integer::intValue).min().orElse(0));
        byNode.forEach((node, samples) -> results
                .figure("clone_cr_to_running_ms_" + node, "clone CR created → Running on " + node + " (median of its "
                        + samples.size() + ", " + NodesBench.CLONES + " created at once)",
                        Percentiles.median(samples.stream().map(NodesBench.CloneSample::crToRunningMillis).toList()))
                .figure("clone_start_ms_" + node, "clone start on " + node + ", launcher start → guest running (median)",
                        Percentiles.median(samples.stream().map(NodesBench.CloneSample::restoreMillis).toList())));
        results.detail("nodes", Map.of("copies_boot_ms", nodes.bootMillis(), "clones_per_node", counts,
                "api_server", "real (make cluster NODES=" + NodesBench.NODES + "): three local nodes on this one machine"));
    }

    /** Issue 14's figures: VmClone created → Running through a real kubelet, beside the local node's clone_cr_to_running_ms. */
    static void kubelet(KubeletBench.Result kubelet, BenchResults results) {
        int n = kubelet.burstMillis().size();
        results.figure("clone_cr_to_running_ms_kubelet", "clone, CR created → Running through a real kubelet (N=1, median of "
                        + kubelet.singleMillis().size() + ")", Percentiles.median(kubelet.singleMillis()))
                .figure("clone_cr_to_running_ms_kubelet_n" + n + "_max", "clone CR created → Running through a real kubelet, slowest of "
                        + n + " created at once", Percentiles.max(kubelet.burstMillis()));
        results.detail("kubelet", Map.of("single_ms", kubelet.singleMillis(), "burst_ms", kubelet.burstMillis(),
                "restore_ms_single_then_burst", kubelet.restoreMillis(), "template_cr_to_ready_ms", kubelet.templateReadyMillis(),
                "cluster_up_ms", kubelet.clusterUpMillis(),
                "node", "make cluster NODE=kubelet: kubelet and containerd on this machine, the operator as a Deployment from deploy/"));
    }

    static void launcher(LauncherBench.Result launcher, BenchResults results) {
        List<LauncherBench.Sample> clones = launcher.clones();
        List<Long> overheads = clones.stream().map(LauncherBench.Sample::overheadMillis).toList();
        int n = clones.size();
        results.figure("launcher_overhead_ms", "launcher overhead, process start → QEMU exec (clone launcher alone, median of " + n + ")",
                        Percentiles.median(overheads), 100, "≤ 100")
                .figure("launcher_overhead_ms_p90", "launcher overhead, p90 of " + n,
                        Percentiles.of(Percentiles.sorted(overheads.stream().mapToLong(Long::longValue).toArray()), 0.9))
                .figure("launcher_to_main_ms", "of which process start → main (shell, JVM start), median",
                        Percentiles.median(clones.stream().map(LauncherBench.Sample::toMainMillis).toList()))
                .figure("clone_start_alone_ms", "clone start, launcher start → guest running (launcher alone, median of " + n + ")",
                        Percentiles.median(clones.stream().map(LauncherBench.Sample::restoreMillis).toList()));
        results.detail("launcher", Map.of("template_overhead_ms", launcher.templateOverheadMillis(), "clones", clones));
    }

    /** @param reconcileTargetSeconds the target for {@code reconcile_1000_s}: 60 s on the mock (issue 8), 30 s on a real server (issue 13) */
    static void operator(OperatorBench.Result op, double reconcileTargetSeconds, List<String> javaOptions, BenchResults results) {
        var report = op.operator();
        results.figure("reconcile_1000_s", op.clones() + " VmClones created → every pod created and in status (s)", op.statusSeconds(),
                        reconcileTargetSeconds, "≤ " + BenchResults.format(reconcileTargetSeconds))
                .figure("reconcile_pods_s", op.clones() + " VmClones created → every pod created (s)", op.podsSeconds())
                .figure("operator_rss_mib", "operator RSS after (MiB)", report.path("rssMiB").asDouble(Double.NaN), 300, "≤ 300")
                .figure("operator_heap_used_mib", "operator live heap after a full GC (MiB)", report.path("heapUsedAfterGcMiB").asDouble(Double.NaN))
                .figure("reconcile_errors", "failed reconciles", report.path("reconcileErrors").asDouble(Double.NaN), 0, "0");
        results.detail("operator", Map.of("clones", op.clones(), "create_seconds", op.createSeconds(), "pods_seconds", op.podsSeconds(),
                "status_seconds", op.statusSeconds(), "child", report, "java_options", javaOptions));
    }

    private static void webhook(int seconds, Path log, BenchResults results, PrintStream err) throws Exception {
        try (LocalCluster api = LocalCluster.apiServerOnly(new WebhookRules())) {
            api.client().resource(io.fabric8.kubernetes.client.utils.Serialization.unmarshal(WebhookLoad.TEMPLATE,
                    io.vmtemplating.api.v1alpha1.VmTemplate.class)).create();
            try (ChildJvm webhook = ChildJvm.start("webhook", api.apiUrl(), OPERATOR_JAVA_OPTIONS, log)) {
                int port = Integer.parseInt(webhook.firstLine().substring("port=".length()));
                err.printf("webhook: 16 clients, 5 s warm-up, %d s measured ...%n", seconds);
                WebhookLoad.Stats stats = WebhookLoad.run(port, 16, Duration.ofSeconds(5), Duration.ofSeconds(seconds));
                var report = webhook.report();
                results.figure("webhook_p50_ms", "webhook latency p50, 16 clients (ms)", stats.p50Millis())
                        .figure("webhook_p99_ms", "webhook latency p99, 16 clients (ms)", stats.p99Millis(), 20, "≤ 20")
                        .figure("webhook_rps", "webhook requests per second", stats.perSecond());
                results.detail("webhook", Map.of("requests", stats.requests(), "errors", stats.errors(), "max_ms", stats.maxMillis(),
                        "seconds", stats.seconds(), "child", report,
                        "p99_ms_valid_template_invalid_template_clone", stats.p99MillisByPayload()));
            }
        }
    }
}
