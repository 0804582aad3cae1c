package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * A kubelet for this machine: registers its Node and heartbeat Lease ({@link NodeRegistration}), runs the pods
 * bound to it as local processes ({@link PodProcess}), probes their readiness and reports their status as a kubelet
 * does ({@link PodStatuses}); a deleted pod gets SIGTERM and its grace period, then the node confirms the deletion.
 * Against fabric8's mock API server it also plays scheduler and garbage collector ({@link NodeMode}).
 */
public final class LocalNode implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LocalNode.class);
    public static final String NODE_NAME = NodeMode.DEFAULT_NODE_NAME;
    private static final Duration PROBE_PERIOD = Duration.ofMillis(300);
    /** A volume that cannot be set up yet is tried again (kubelet's volume manager retries too). */
    private static final Duration VOLUME_RETRY = Duration.ofSeconds(5);
    /** What pods still running when the node stops get of their grace period. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
    /** kubelet's words for pods ended by a graceful node shutdown. */
    static final String SHUTDOWN_MESSAGE = "Pod was terminated in response to imminent node shutdown.";

    private final KubernetesClient client;
    private final Path nodeRoot;
    private final List<String> entrypoint;
    private final Map<String, String> inheritedEnv;
    private final NodeMode mode;
    private final PrintStream log;
    private final VolumeFiles.Sources volumeSources;
    private final ReadinessProbe readinessProbe = new ReadinessProbe();
    private final OrphanCollector orphans;
    private final PodStatusWriter statuses;
    private final SelfScheduler scheduler;
    private final Map<String, PodProcess> running = new ConcurrentHashMap<>();
    private final Map<String, Boolean> readiness = new ConcurrentHashMap<>();
    /** Each started container's end: its final status written. A deletion and the node's stop wait for it. */
    private final Map<String, CompletableFuture<Void>> exits = new ConcurrentHashMap<>();
    /** A pod's container runs once (restartPolicy Never, as the operator's pods are). */
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    /** The last reason each pending pod waits for, logged once rather than at every retry. */
    private final Map<String, String> waitingFor = new ConcurrentHashMap<>();
    /** Pod addresses count on from a random start: other local clusters on this machine hand out addresses too. */
    private final AtomicInteger nextIp = new AtomicInteger(new java.util.Random().nextInt(254 * 254));
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> daemon(r, "local-node"));
    private final ScheduledExecutorService probes = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "local-node-probe"));
    private volatile boolean stopping;
    private NodeRegistration registration;
    private SharedIndexInformer<Pod> informer;

    /**
     * @param nodeRoot     the node's file system: host paths of pods map below it, pod directories live in it
     * @param entrypoint   the launcher image's entry point on this machine (the vmt script)
     * @param inheritedEnv environment every container starts with ({@link PodEnvironment})
     * @param log          one line per pod start, end and deletion (the mock cluster passes a null stream)
     */
    public LocalNode(KubernetesClient client, Path nodeRoot, List<String> entrypoint, Map<String, String> inheritedEnv,
            NodeMode mode, PrintStream log) {
        this.client = client;
        this.nodeRoot = nodeRoot;
        this.entrypoint = entrypoint;
        this.inheritedEnv = inheritedEnv;
        this.mode = mode;
        this.log = log;
        this.volumeSources = new ClusterVolumeSources(client);
        this.orphans = new OrphanCollector(client);
        this.statuses = new PodStatusWriter(client);
        this.scheduler = new SelfScheduler(mode.nodeName(), statuses);
    }

    /** Registers the node, then runs the pods bound to it (after a restart: marks those it lost). */
    public void start() throws IOException {
        Files.createDirectories(nodeRoot);
        registration = new NodeRegistration(client, NodeFacts.ofThisMachine(mode.nodeName(), nodeRoot), Clock.systemUTC(), log);
        registration.start();
        // a kubelet watches its own pods only; playing the scheduler needs the unbound ones too
        var pods = mode.selfScheduling() ? client.pods().inAnyNamespace()
                : client.pods().inAnyNamespace().withField("spec.nodeName", mode.nodeName());
        informer = pods.inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                workers.submit(() -> handle(pod));
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                workers.submit(() -> handle(pod));
            }

            @Override
            public void onDelete(Pod pod, boolean unknown) {
                workers.submit(() -> stop(pod));
            }
        });
        probes.scheduleWithFixedDelay(this::probeAndCollect, PROBE_PERIOD.toMillis(), PROBE_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    public String nodeName() {
        return mode.nodeName();
    }

    /** Pods currently running as processes. */
    public int runningPods() {
        return (int) running.values().stream().filter(PodProcess::isAlive).count();
    }

    public Path logOf(Pod pod) {
        PodProcess process = running.get(key(pod));
        return process == null ? null : process.logFile();
    }

    private void handle(Pod pod) {
        try {
            handleOrThrow(pod);
        } catch (RuntimeException e) {
            // a kubelet keeps going when one pod cannot start; the pod stays as it is
            LOG.warnf(e, "pod %s: %s", key(pod), e.getMessage());
        }
    }

    private synchronized void handleOrThrow(Pod pod) {
        if (stopping) {
            return;
        }
        String key = key(pod);
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            workers.submit(() -> finishDeletion(pod));
            return;
        }
        if (pod.getSpec().getNodeName() == null) {
            if (mode.selfScheduling()) {
                scheduler.bind(pod);
            }
            return;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if (!mode.nodeName().equals(pod.getSpec().getNodeName()) || started.contains(key)
                || "Succeeded".equals(phase) || "Failed".equals(phase)) {
            return;
        }
        started.add(key);
        if (LostContainers.startedEarlier(pod).isPresent()) {
            log.println("pod " + name(pod) + " failed: " + LostContainers.fail(pod, statuses));
            return;
        }
        if (pod.getSpec().getContainers().size() != 1 || !pod.getSpec().getInitContainers().isEmpty()) {
            String message = "the local node runs pods of one container and no init containers; this one has "
                    + pod.getSpec().getContainers().size() + " containers, " + pod.getSpec().getInitContainers().size()
                    + " init containers";
            statuses.write(pod, p -> PodStatuses.rejected(p, "UnsupportedPod", message, Instant.now()));
            log.println("pod " + name(pod) + " rejected: " + message);
            return;
        }
        String ip = nextAddress();
        PodProcess process = new PodProcess(pod, podDirectory(pod), ip,
                LoopbackPorts.allocate(pod.getSpec().getContainers().get(0), ip));
        Map<String, Path> volumes;
        try {
            volumes = PodProcess.volumes(pod, ip, nodeRoot, podDirectory(pod), volumeSources);
        } catch (PodProcess.VolumeException | IOException | KubernetesClientException e) {
            waitForVolumes(pod, e.getMessage());
            return;
        }
        try {
            process.start(entrypoint, volumes, inheritedEnv);
        } catch (IOException e) {
            // kubelet's StartError: the command could not be run; final for a container that runs once
            Instant now = Instant.now();
            var run = new ContainerRun.Terminated("", now, now, 128, "StartError", e.getMessage());
            statuses.write(pod, p -> PodStatuses.of(p, ip, run, now));
            log.println("pod " + name(pod) + " failed to start: " + e.getMessage());
            return;
        }
        waitingFor.remove(key);
        running.put(key, process);
        readiness.put(key, false);
        log.println("pod " + name(pod) + " started (pid " + process.pid() + ", " + ip + ")");
        writeRunningStatus(pod, process, false);
        exits.put(key, CompletableFuture.runAsync(() -> awaitExit(pod, process), workers));
    }

    /** Pending with the reason in its container status; tried again after {@link #VOLUME_RETRY}. */
    private void waitForVolumes(Pod pod, String message) {
        String key = key(pod);
        started.remove(key);
        if (!message.equals(waitingFor.put(key, message))) {
            log.println("pod " + name(pod) + " waiting: " + message);
        }
        statuses.write(pod, p -> PodStatuses.of(p, null, new ContainerRun.Waiting("ContainerCreating", message), Instant.now()));
        probes.schedule(() -> {
            Pod current = informer.getStore().getByKey(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName());
            if (current != null && key(current).equals(key)) {
                workers.submit(() -> handle(current));
            }
        }, VOLUME_RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void awaitExit(Pod pod, PodProcess process) {
        try {
            int exitCode = process.waitFor();
            String message = process.terminationMessage(exitCode);
            Instant now = Instant.now();
            running.remove(key(pod));
            readiness.remove(key(pod));
            var run = new ContainerRun.Terminated(ContainerRun.containerId(process.pid()), process.startedAt(), now,
                    exitCode, exitCode == 0 ? "Completed" : "Error", message);
            statuses.writeEnd(key(pod), pod, p -> PodStatuses.withPortMap(stopping
                    ? PodStatuses.ended(p, process.ip(), run, "Terminated", SHUTDOWN_MESSAGE, now)
                    : PodStatuses.of(p, process.ip(), run, now), process.ports()));
            log.println("pod " + name(pod) + " ended (exit code " + exitCode + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warnf("pod %s: %s", key(pod), e.getMessage());
        }
    }

    /** Graceful deletion: stop the container, let its final status be written, confirm with grace 0 (as kubelet). */
    private void finishDeletion(Pod pod) {
        stop(pod);
        CompletableFuture<Void> exit = exits.get(key(pod));
        if (exit != null) {
            try {
                exit.get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                LOG.debugf("pod %s: final status not written: %s", key(pod), e.getMessage());
            }
        }
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .withGracePeriod(0).delete();
        } catch (KubernetesClientException e) {
            LOG.debugf("pod %s already gone: %s", key(pod), e.getMessage());
        }
        boolean ranHere = started.remove(key(pod));
        exits.remove(key(pod));
        if (ranHere) {
            log.println("pod " + name(pod) + " deleted");
        }
        statuses.forget(key(pod));
        waitingFor.remove(key(pod));
        LocalCluster.deleteTree(podDirectory(pod));
    }

    private void stop(Pod pod) {
        PodProcess process = running.remove(key(pod));
        readiness.remove(key(pod));
        if (process != null) {
            Long grace = pod.getMetadata().getDeletionGracePeriodSeconds() != null
                    ? pod.getMetadata().getDeletionGracePeriodSeconds() : pod.getSpec().getTerminationGracePeriodSeconds();
            process.stop(Duration.ofSeconds(Objects.requireNonNullElse(grace, 30L)));
        }
    }

    /** Readiness probes and, for the mock API server, the owner garbage collection. */
    private void probeAndCollect() {
        try {
            for (Pod pod : informer.getStore().list()) {
                PodProcess process = running.get(key(pod));
                if (process != null && process.isAlive()) {
                    boolean ready = readinessProbe.ready(pod, process.ip(), process.ports());
                    if (!Objects.equals(readiness.put(key(pod), ready), ready)) {
                        writeRunningStatus(pod, process, ready);
                    }
                }
                if (mode.collectsOrphans()) {
                    orphans.collectIfOrphaned(pod);
                }
            }
        } catch (RuntimeException e) {
            LOG.debugf("probe round failed: %s", e.getMessage());
        }
    }

    /**
     * A loopback address of its own for the next pod, counted from a random start. Its HTTP port is a free one
     * ({@link LoopbackPorts}), so an address another local cluster on this machine also hands out is no clash; it
     * once was, when every launcher took port 8080.
     */
    private String nextAddress() {
        int n = Math.floorMod(nextIp.getAndIncrement(), 254 * 254);
        return "127.0." + (1 + n / 254) + "." + (1 + n % 254);
    }

    private void writeRunningStatus(Pod pod, PodProcess process, boolean ready) {
        var run = new ContainerRun.Running(ContainerRun.containerId(process.pid()), process.startedAt(), ready);
        statuses.writeRunning(key(pod), pod, p -> PodStatuses.withPortMap(PodStatuses.of(p, process.ip(), run, Instant.now()),
                process.ports()));
    }

    /** Short: QEMU's unix sockets live below it and a socket path must stay under 108 bytes. */
    private Path podDirectory(Pod pod) {
        String uid = pod.getMetadata().getUid();
        return nodeRoot.resolve("pods").resolve(pod.getMetadata().getName() + "_" + uid.substring(Math.max(0, uid.length() - 8)));
    }

    private static String name(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + "/" + pod.getMetadata().getUid();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread thread = new Thread(r, name);
        thread.setDaemon(true);
        return thread;
    }

    /**
     * Stops the node: no new pods; every running pod gets SIGTERM at once, SIGKILL after {@link #SHUTDOWN_GRACE}, a
     * final status (Failed, kubelet's node-shutdown reason) and its directory removed; the node is reported not ready.
     */
    @Override
    public void close() {
        synchronized (this) {
            // after this no pod starts: starting happens under the same lock (handleOrThrow)
            stopping = true;
        }
        if (informer != null) {
            informer.close();
        }
        probes.shutdownNow();
        List<PodProcess> processes = new ArrayList<>(running.values());
        processes.forEach(PodProcess::terminate);
        processes.forEach(p -> p.awaitStop(SHUTDOWN_GRACE));
        try {
            CompletableFuture.allOf(exits.values().toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            LOG.debugf("final pod statuses not all written: %s", e.getMessage());
        }
        running.clear();
        workers.shutdownNow();
        if (registration != null) {
            registration.close();
        }
        processes.forEach(p -> LocalCluster.deleteTree(p.directory()));
        try {
            Files.deleteIfExists(nodeRoot.resolve("pods"));
        } catch (IOException e) {
            // pods that ended before the stop keep their directories (and logs) until they are deleted
        }
    }
}
