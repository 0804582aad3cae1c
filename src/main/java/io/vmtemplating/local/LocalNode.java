package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * A one-node cluster's kubelet, scheduler and garbage collector, for the embedded API server: pods are bound to
 * this node, run as local processes ({@link PodProcess}), probed for readiness and reported in pod status; a
 * deleted pod gets SIGTERM and its grace period; pods whose owner is gone are deleted.
 */
public final class LocalNode implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LocalNode.class);
    public static final String NODE_NAME = "local-node";
    private static final Duration PROBE_PERIOD = Duration.ofMillis(300);

    private final KubernetesClient client;
    private final Path nodeRoot;
    private final List<String> entrypoint;
    private final Map<String, String> inheritedEnv;
    private final Map<String, PodProcess> running = new ConcurrentHashMap<>();
    private final Map<String, Boolean> readiness = new ConcurrentHashMap<>();
    /** Pods whose container ended: their terminal status is final, no probe result may overwrite it. */
    private final java.util.Set<String> terminated = ConcurrentHashMap.newKeySet();
    /** Status writes of a running container and of its end are ordered through this lock. */
    private final Object statusWrites = new Object();
    /** A pod's container runs once: restartPolicy Never, as the operator's pods are. */
    private final java.util.Set<String> started = ConcurrentHashMap.newKeySet();
    /** Pod addresses count on from a random start: other local clusters on this machine hand out addresses too. */
    private final AtomicInteger nextIp = new AtomicInteger(new java.util.Random().nextInt(254 * 254));
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> daemon(r, "local-node"));
    private final ScheduledExecutorService probes = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "local-node-probe"));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private SharedIndexInformer<Pod> informer;

    /**
     * @param entrypoint   the launcher image's entry point on this machine (the vmt script)
     * @param inheritedEnv environment every container starts with (PATH, JAVA_HOME ...)
     */
    public LocalNode(KubernetesClient client, Path nodeRoot, List<String> entrypoint, Map<String, String> inheritedEnv) {
        this.client = client;
        this.nodeRoot = nodeRoot;
        this.entrypoint = entrypoint;
        this.inheritedEnv = inheritedEnv;
    }

    public void start() {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE_NAME)
                .addToLabels("kubernetes.io/hostname", NODE_NAME).endMetadata().build()).createOr(n -> n.update());
        informer = client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
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
        String key = key(pod);
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            // graceful deletion: stop the container outside the lock, then confirm with grace 0 as a kubelet does
            workers.submit(() -> {
                stop(pod);
                try {
                    client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                            .withGracePeriod(0).delete();
                } catch (KubernetesClientException e) {
                    LOG.debugf("pod %s already gone: %s", key(pod), e.getMessage());
                }
            });
            return;
        }
        if (pod.getSpec().getNodeName() == null) {
            bind(pod);
            return;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if (!NODE_NAME.equals(pod.getSpec().getNodeName()) || started.contains(key)
                || "Succeeded".equals(phase) || "Failed".equals(phase)) {
            return;
        }
        String ip = freeAddress();
        // short: QEMU's unix sockets live below it and a socket path must stay under 108 bytes
        String uid = pod.getMetadata().getUid();
        Path podDir = nodeRoot.resolve("pods").resolve(pod.getMetadata().getName() + "_" + uid.substring(Math.max(0, uid.length() - 8)));
        PodProcess process = new PodProcess(pod, podDir, ip);
        started.add(key);
        try {
            var volumes = PodProcess.volumes(pod, nodeRoot, podDir);
            process.start(entrypoint, volumes, inheritedEnv);
        } catch (PodProcess.VolumeException e) {
            setStatus(pod, waiting("ContainerCreating", e.getMessage()));
            return;
        } catch (IOException e) {
            setStatus(pod, waiting("RunContainerError", e.getMessage()));
            return;
        }
        running.put(key, process);
        readiness.put(key, false);
        writeRunningStatus(pod, runningStatus(ip, false));
        workers.submit(() -> awaitExit(pod, process));
    }

    /** The scheduler's part: one node, so a pod fits when its node selector matches this node's labels. */
    private void bind(Pod pod) {
        Map<String, String> selector = pod.getSpec().getNodeSelector();
        boolean fits = selector == null || selector.isEmpty()
                || selector.entrySet().stream().allMatch(e -> e.getKey().equals("kubernetes.io/hostname") && e.getValue().equals(NODE_NAME));
        if (!fits) {
            setStatus(pod, new PodStatusBuilder().withPhase("Pending").withConditions(new PodConditionBuilder()
                    .withType("PodScheduled").withStatus("False").withReason("Unschedulable")
                    .withMessage("0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.").build()).build());
            return;
        }
        edit(pod, p -> {
            p.getSpec().setNodeName(NODE_NAME);
            return p;
        });
    }

    private void awaitExit(Pod pod, PodProcess process) {
        try {
            int exitCode = process.waitFor();
            String message = process.terminationMessage(exitCode);
            running.remove(key(pod));
            readiness.remove(key(pod));
            synchronized (statusWrites) {
                terminated.add(key(pod));
                setStatus(pod, new PodStatusBuilder()
                    .withPhase(exitCode == 0 ? "Succeeded" : "Failed").withPodIP(process.ip())
                    .withConditions(new PodConditionBuilder().withType("Ready").withStatus("False").build())
                    .withContainerStatuses(new ContainerStatusBuilder().withName(containerName(pod)).withReady(false)
                            .withState(new ContainerStateBuilder().withNewTerminated().withExitCode(exitCode)
                                    .withReason(exitCode == 0 ? "Completed" : "Error").withMessage(message)
                                    .withFinishedAt(Instant.now().toString()).endTerminated().build())
                            .build())
                    .build());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warnf("pod %s: %s", key(pod), e.getMessage());
        }
    }

    private void stop(Pod pod) {
        PodProcess process = running.remove(key(pod));
        readiness.remove(key(pod));
        if (process != null) {
            long grace = Objects.requireNonNullElse(pod.getSpec().getTerminationGracePeriodSeconds(), 30L);
            process.stop(Duration.ofSeconds(grace));
        }
    }

    /** Readiness probes (HTTP GET on the container's probe path) and the owner garbage collection. */
    private void probeAndCollect() {
        try {
            for (Pod pod : informer.getStore().list()) {
                PodProcess process = running.get(key(pod));
                if (process != null && process.isAlive()) {
                    boolean ready = probe(pod, process.ip());
                    if (!Objects.equals(readiness.put(key(pod), ready), ready)) {
                        writeRunningStatus(pod, runningStatus(process.ip(), ready));
                    }
                }
                collectIfOrphaned(pod);
            }
        } catch (RuntimeException e) {
            LOG.debugf("probe round failed: %s", e.getMessage());
        }
    }

    private boolean probe(Pod pod, String ip) {
        var probe = pod.getSpec().getContainers().get(0).getReadinessProbe();
        if (probe == null || probe.getHttpGet() == null) {
            return true;
        }
        try {
            int port = probe.getHttpGet().getPort().getIntVal();
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://" + ip + ":" + port + probe.getHttpGet().getPath()))
                    .timeout(Duration.ofMillis(500)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() / 100 == 2;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The API server's garbage collector: a pod whose controlling owner no longer exists is deleted. */
    private void collectIfOrphaned(Pod pod) {
        List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
        if (owners == null || owners.isEmpty() || pod.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        OwnerReference owner = owners.get(0);
        Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> type = switch (owner.getKind()) {
            case "VmTemplate" -> VmTemplate.class;
            case "VmClone" -> VmClone.class;
            default -> null;
        };
        if (type == null) {
            return;
        }
        var existing = client.resources(type).inNamespace(pod.getMetadata().getNamespace()).withName(owner.getName()).get();
        if (existing == null || !owner.getUid().equals(existing.getMetadata().getUid())) {
            client.resource(pod).delete();
        }
    }

    /**
     * A loopback address for the next pod with nothing listening on the launcher's port: two local clusters on
     * one machine (a test and a `vmt bench`) once handed out the same address, and the readiness probe and the
     * operator's /status calls of one reached the other's launcher.
     */
    private String freeAddress() {
        while (true) {
            int n = Math.floorMod(nextIp.getAndIncrement(), 254 * 254);
            String ip = "127.0." + (1 + n / 254) + "." + (1 + n % 254);
            if (launcherPortFree(ip)) {
                return ip;
            }
        }
    }

    /** Nothing listens on the launcher's port at this address (a connect is refused). */
    public static boolean launcherPortFree(String ip) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(ip, io.vmtemplating.launcher.PodContract.HTTP_PORT), 200);
            return false;
        } catch (java.io.IOException e) {
            return true;
        }
    }

    private static PodStatus runningStatus(String ip, boolean ready) {
        return new PodStatusBuilder().withPhase("Running").withPodIP(ip)
                .withConditions(new PodConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False").build())
                .withContainerStatuses(new ContainerStatusBuilder().withName("launcher").withReady(ready)
                        .withState(new ContainerStateBuilder().withNewRunning().withStartedAt(Instant.now().toString())
                                .endRunning().build()).build())
                .build();
    }

    private static PodStatus waiting(String reason, String message) {
        return new PodStatusBuilder().withPhase("Pending")
                .withContainerStatuses(new ContainerStatusBuilder().withName("launcher")
                        .withState(new ContainerStateBuilder().withNewWaiting().withReason(reason).withMessage(message)
                                .endWaiting().build()).build())
                .build();
    }

    /** A running container's status, unless it has ended meanwhile (its end must stay the last word). */
    private void writeRunningStatus(Pod pod, PodStatus status) {
        synchronized (statusWrites) {
            if (!terminated.contains(key(pod))) {
                setStatus(pod, status);
            }
        }
    }

    private void setStatus(Pod pod, PodStatus status) {
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .editStatus(p -> {
                        p.setStatus(status);
                        return p;
                    });
        } catch (KubernetesClientException e) {
            LOG.debugf("pod %s status not written: %s", key(pod), e.getMessage());
        }
    }

    private void edit(Pod pod, java.util.function.UnaryOperator<Pod> change) {
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).edit(change);
        } catch (KubernetesClientException e) {
            LOG.debugf("pod %s not updated: %s", key(pod), e.getMessage());
        }
    }

    private static String containerName(Pod pod) {
        return pod.getSpec().getContainers().get(0).getName();
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + "/" + pod.getMetadata().getUid();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread thread = new Thread(r, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Stops every pod process (SIGTERM, then SIGKILL after a short grace) and the node itself. */
    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        probes.shutdownNow();
        running.values().parallelStream().forEach(p -> p.stop(Duration.ofSeconds(10)));
        running.clear();
        workers.shutdownNow();
    }
}
