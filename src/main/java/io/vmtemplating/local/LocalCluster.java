package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.vmtemplating.reconciler.LauncherClient;
import io.vmtemplating.reconciler.LauncherTokens;
import io.vmtemplating.reconciler.NodeLayout;
import io.vmtemplating.reconciler.OperatorSettings;
import io.vmtemplating.reconciler.VmCloneReconciler;
import io.vmtemplating.reconciler.RecentClaims;
import io.vmtemplating.reconciler.VmClonePoolReconciler;
import io.vmtemplating.reconciler.VmTemplateReconciler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;

/**
 * A cluster on this machine: fabric8's API server in CRUD mode with the admission rules in front of it, the
 * operator's reconcilers (the same classes `vmt operator` runs), and a {@link LocalNode} running pods as
 * processes ({@link #apiServerOnly} runs neither reconcilers nor node). Everything it wrote lives under one state directory and goes away on {@link #close()}.
 */
public final class LocalCluster implements AutoCloseable {

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final OperatorSettings settings;
    private Operator operator;
    private final LocalNode node;
    private final Path stateDir;
    private final boolean deleteStateOnClose;
    /** Held by whoever closes the cluster: the main thread or, on SIGINT/SIGTERM, {@link #exitHook}; the other waits. */
    private final Object closing = new Object();
    private boolean closed;
    /**
     * Closes the cluster when the JVM exits without {@link #close()} (a signal, or a caller that never closed it): a
     * finally block does not run on SIGTERM, and the node's pods are processes of their own that would outlive the JVM
     * with their memory files in /dev/shm. Null for a cluster without a node.
     */
    private final Thread exitHook;

    private LocalCluster(KubernetesMockServer server, KubernetesClient client, OperatorSettings settings, LocalNode node,
            Path stateDir, boolean deleteStateOnClose) {
        this.server = server;
        this.client = client;
        this.settings = settings;
        this.operator = settings == null ? null : startOperator(client, settings, Metrics.NOOP);
        this.node = node;
        this.stateDir = stateDir;
        this.deleteStateOnClose = deleteStateOnClose;
        this.exitHook = node == null ? null : new Thread(this::closeAtExit, "vmt-local-cluster-exit");
        if (exitHook != null) {
            Runtime.getRuntime().addShutdownHook(exitHook);
        }
    }

    /** Local mode's operator settings: the defaults, with a 5 s status refresh and a 30 s cleanup timeout. */
    public static final OperatorSettings LOCAL_SETTINGS = new OperatorSettings(OperatorSettings.DEFAULTS.launcherImage(),
            OperatorSettings.DEFAULTS.templateOverheadMiB(), OperatorSettings.DEFAULTS.cloneOverheadMiB(),
            OperatorSettings.DEFAULTS.defaultExpectedPrivateMiB(), OperatorSettings.DEFAULTS.buildBackoffLimit(),
            OperatorSettings.DEFAULTS.buildBackoffBase(), java.time.Duration.ofSeconds(5),
            java.time.Duration.ofSeconds(30), NodeLayout.DEFAULT, "", io.vmtemplating.webhook.BootFileDirs.DEFAULT);

    public static LocalCluster start(Path stateDir, List<String> entrypoint, AdmissionCheck admission,
            boolean deleteStateOnClose) throws IOException {
        return start(stateDir, entrypoint, admission, deleteStateOnClose, LOCAL_SETTINGS);
    }

    /**
     * @param stateDir   the node's root (host paths map under it); tmpfs is best, template memory lives there
     * @param entrypoint the launcher image's entry point on this machine
     */
    public static LocalCluster start(Path stateDir, List<String> entrypoint, AdmissionCheck admission,
            boolean deleteStateOnClose, OperatorSettings settings) throws IOException {
        Files.createDirectories(stateDir);
        KubernetesMockServer server = startApiServer(admission);
        KubernetesClient client = server.createClient();
        createCrds(client);

        LocalNode node = new LocalNode(client, stateDir.resolve("node"), entrypoint, PodEnvironment.inherited(System.getenv()),
                NodeMode.MOCK_API_SERVER, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        node.start();
        return new LocalCluster(server, client, settings, node, stateDir, deleteStateOnClose);
    }

    /** Stops the operator and starts a new instance, as a crashed and restarted operator pod would be. */
    public synchronized void restartOperator() {
        operator.stop();
        operator = startOperator(client, settings, Metrics.NOOP);
    }

    /**
     * The API server with admission and the CRDs only: no reconcilers, no node, so pods are stored and never
     * run. The operator benchmark points an operator in another JVM at it ({@link #startOperator}).
     */
    public static LocalCluster apiServerOnly(AdmissionCheck admission) throws IOException {
        KubernetesMockServer server = startApiServer(admission);
        KubernetesClient client = server.createClient();
        createCrds(client);
        return new LocalCluster(server, client, null, null, null, false);
    }

    private static KubernetesMockServer startApiServer(AdmissionCheck admission) {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new AdmissionDispatcher(admission), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        return server;
    }

    private static void createCrds(KubernetesClient client) throws IOException {
        for (String crd : io.vmtemplating.crd.CrdCatalog.FILES) {
            try (InputStream in = LocalCluster.class.getResourceAsStream("/crds/" + crd)) {
                if (in == null) {
                    throw new IOException("CRD " + crd + " is not on the classpath; rebuild with `mvn package`");
                }
                client.resource(client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class)).create();
            }
        }
    }

    /** The operator's reconcilers, the same classes `vmt operator` runs, on {@code client}; started. */
    public static Operator startOperator(KubernetesClient client, OperatorSettings settings, Metrics metrics) {
        return startOperator(client, settings, metrics, new RecentClaims());
    }

    /** @param recentClaims what the clone and pool reconcilers share about claims in flight (tests reserve members) */
    public static Operator startOperator(KubernetesClient client, OperatorSettings settings, Metrics metrics, RecentClaims recentClaims) {
        Operator operator = new Operator(o -> o.withKubernetesClient(client)
                .withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false)
                .withCloseClientOnStop(false)
                .withStopOnInformerErrorDuringStartup(true)
                .withMetrics(metrics));
        LauncherClient launcher = new LauncherClient(new LauncherTokens(client));
        operator.register(new VmTemplateReconciler(settings, launcher, Clock.systemUTC()));
        operator.register(new VmCloneReconciler(settings, launcher, Clock.systemUTC(), recentClaims));
        operator.register(new VmClonePoolReconciler(settings, launcher, Clock.systemUTC(), recentClaims));
        operator.start();
        return operator;
    }

    public KubernetesClient client() {
        return client;
    }

    public LocalNode node() {
        if (node == null) {
            throw new IllegalStateException("this cluster runs no node (apiServerOnly)");
        }
        return node;
    }

    /** Where a host path of the node is on this machine. */
    public Path onNode(String hostPath) {
        return NodeRoot.onNode(stateDir.resolve("node"), hostPath);
    }

    /** The API server's URL (plain HTTP on loopback). */
    public String apiUrl() {
        return client.getConfiguration().getMasterUrl();
    }

    /**
     * For a caller that cleans up on SIGINT/SIGTERM itself (`vmt run` and `vmt demo` delete their objects first, then
     * close the cluster): the cluster's own exit hook would close it beside them, under their feet.
     */
    public void closedByCallerOnExit() {
        if (exitHook != null) {
            removeExitHook();
        }
    }

    /** Stops the node's pods and the operator, then the API server; removes the state directory if asked. Once. */
    @Override
    public void close() {
        synchronized (closing) {
            if (closed) {
                return; // closed already, or by the exit hook while this thread waited for it
            }
            closed = true;
            if (node != null) {
                node.close();
            }
            if (operator != null) {
                operator.stop();
            }
            client.close();
            server.destroy();
            if (deleteStateOnClose && stateDir != null) {
                deleteTree(stateDir);
            }
        }
        if (exitHook != null && Thread.currentThread() != exitHook) {
            removeExitHook();
        }
    }

    private void closeAtExit() {
        synchronized (closing) {
            if (closed) {
                return;
            }
        }
        System.err.println("local cluster: the JVM is exiting; stopping its pods"
                + (deleteStateOnClose ? " and removing " + stateDir : ""));
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("local cluster: clean-up at exit failed: " + e.getMessage());
        }
    }

    private void removeExitHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(exitHook);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook runs, finds the cluster closed (or closes it) and returns
        }
    }

    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    p.toFile().setWritable(true);
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
