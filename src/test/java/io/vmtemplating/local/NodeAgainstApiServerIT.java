package io.vmtemplating.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The local node as the kubelet of a real control plane: etcd, kube-apiserver (RBAC, Node authorizer, NodeRestriction,
 * PodSecurity), kube-controller-manager and kube-scheduler, started for this class by hack/cluster/up.sh in a temporary
 * VMT_CLUSTER_DIR with neither its own node nor the operator. The node runs in this JVM with the node's identity
 * (system:node:local-node) and `sleep` as its pods' command, so what is checked here is what the API server accepts
 * from a kubelet and how the scheduler and garbage collector work with it, not QEMU (the end-to-end suite's).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeAgainstApiServerIT {
    private static final Path REPO = Path.of("").toAbsolutePath();
    /** The node certificate up.sh makes is system:node:local-node: the Node authorizer holds it to that name. */
    private static final String NODE = "local-node";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Path clusterDir;
    private static Path nodeRoot;
    private static Thread clusterDown;
    private static KubernetesClient admin;
    private static KubernetesClient nodeClient;
    private static LocalNode node;

    @BeforeAll
    static void startControlPlaneAndNode() throws Exception {
        clusterDir = Files.createTempDirectory("vmt-node-it-cluster-");
        nodeRoot = Files.createTempDirectory("vmt-node-it-root-");
        // stopped however the JVM ends
        clusterDown = new Thread(NodeAgainstApiServerIT::stopControlPlane);
        Runtime.getRuntime().addShutdownHook(clusterDown);
        // a cold build of the binaries (make cluster-binaries, which make test runs first) takes up to ~30 min
        String up = bash(Duration.ofMinutes(40), "VMT_CLUSTER_NODE=0 VMT_CLUSTER_OPERATOR=0 bash hack/cluster/up.sh");
        Path adminKubeconfig = Path.of(up.strip().lines().reduce((a, b) -> b).orElseThrow());
        bash(Duration.ofSeconds(30), ". hack/cluster/lib.sh && . \"$VMT_CLUSTER_DIR/ports.env\" && write_kubeconfig"
                + " \"$VMT_CLUSTER_DIR/node.kubeconfig\" \"$api_port\" \"$VMT_CLUSTER_DIR/pki\" node");
        admin = client(adminKubeconfig);
        nodeClient = client(clusterDir.resolve("node.kubeconfig"));
        node = startNode();
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        for (KubernetesClient client : new KubernetesClient[] {nodeClient, admin}) {
            if (client != null) {
                client.close();
            }
        }
        stopControlPlane();
        Runtime.getRuntime().removeShutdownHook(clusterDown);
        LocalCluster.deleteTree(nodeRoot);
        LocalCluster.deleteTree(clusterDir);
    }

    private static LocalNode startNode() throws IOException {
        LocalNode started = new LocalNode(nodeClient, nodeRoot, List.of("/bin/false"),
                PodEnvironment.inherited(System.getenv()), NodeMode.kubelet(NODE), System.err);
        started.start();
        return started;
    }

    private static void stopControlPlane() {
        try {
            bash(Duration.ofMinutes(3), "bash hack/cluster/down.sh");
        } catch (Exception e) {
            System.err.println("hack/cluster/down.sh: " + e.getMessage());
        }
    }

    /** A bash command in the repository with this class's cluster directory; its stdout. */
    private static String bash(Duration timeout, String command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("vmt-node-it", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(REPO.toFile())
                    .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().put("VMT_CLUSTER_DIR", clusterDir.toString());
            Process process = builder.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException(command + ": not done within " + timeout);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(command + ": exit code " + process.exitValue());
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static KubernetesClient client(Path kubeconfig) {
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig.toFile())).build();
    }

    private static Pod pod(String name) {
        return admin.pods().inNamespace("default").withName(name).get();
    }

    private static Pod create(Pod pod) {
        return admin.resource(pod).create();
    }

    /** A pod for the scheduler to place: no nodeName, the default ServiceAccount's token volume added by admission. */
    private static PodBuilder sleeper(String name, String... command) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withRestartPolicy("Never").withTerminationGracePeriodSeconds(5L)
                    .addNewContainer().withName("main").withImage("not-pulled").withImagePullPolicy("Never")
                        .withCommand(command).endContainer()
                .endSpec();
    }

    private static String condition(Pod pod, String type) {
        return pod == null || pod.getStatus() == null ? null : pod.getStatus().getConditions().stream()
                .filter(c -> c.getType().equals(type)).map(c -> c.getStatus()).findFirst().orElse(null);
    }

    private static Optional<ProcessHandle> process(Pod pod) {
        String id = pod.getStatus().getContainerStatuses().get(0).getContainerID();
        return ProcessHandle.of(Long.parseLong(id.substring(ContainerRun.ID_PREFIX.length())));
    }

    private static String nodeReady() {
        Node current = admin.nodes().withName(NODE).get();
        return current.getStatus().getConditions().stream().filter(c -> c.getType().equals("Ready"))
                .map(c -> c.getStatus()).findFirst().orElse(null);
    }

    @Test
    @Order(1)
    void nodeIsReadyUntaintedAndItsLeaseIsRenewed() {
        await().atMost(WAIT).until(() -> "True".equals(nodeReady()));
        // the node lifecycle controller lifts the not-ready taint admission put on the new Node
        await().atMost(WAIT).until(() -> admin.nodes().withName(NODE).get().getSpec().getTaints().isEmpty());
        Node registered = admin.nodes().withName(NODE).get();
        assertEquals(List.of("cpu", "ephemeral-storage", "hugepages-1Gi", "hugepages-2Mi", "memory", "pods"),
                registered.getStatus().getAllocatable().keySet().stream().sorted().toList());
        assertEquals("v1.34.4-vmt-local-node", registered.getStatus().getNodeInfo().getKubeletVersion());
        var lease = admin.leases().inNamespace("kube-node-lease").withName(NODE);
        var first = lease.get().getSpec().getRenewTime();
        await().atMost(Duration.ofSeconds(25)).until(() -> lease.get().getSpec().getRenewTime().isAfter(first));
    }

    @Test
    @Order(2)
    void aPodTheSchedulerBindsRunsAndIsDeletedPromptly() throws Exception {
        create(sleeper("sleeper", "sleep", "300").build());
        await().atMost(WAIT).until(() -> "True".equals(condition(pod("sleeper"), "Ready")));
        Pod running = pod("sleeper");
        assertEquals(NODE, running.getSpec().getNodeName());
        assertEquals(List.of("Running", "127.0.0.1", "BestEffort"), List.of(running.getStatus().getPhase(),
                running.getStatus().getHostIP(), running.getStatus().getQosClass()));
        assertEquals(running.getStatus().getPodIP(), running.getStatus().getPodIPs().get(0).getIp());
        assertEquals(List.of("True", "True", "True", "True", "True"), List.of("PodReadyToStartContainers",
                "Initialized", "Ready", "ContainersReady", "PodScheduled").stream().map(t -> condition(running, t)).toList());
        ProcessHandle sleep = process(running).orElseThrow();
        // the token volume admission added: a token the API server issued for this pod, the cluster's CA
        try (var files = Files.walk(nodeRoot.resolve("pods"))) {
            List<Path> tokens = files.filter(f -> f.getFileName().toString().equals("token")).toList();
            assertEquals(1, tokens.size(), tokens::toString);
            assertTrue(Files.readString(tokens.get(0)).startsWith("eyJ"), "a JWT");
            assertTrue(Files.exists(tokens.get(0).resolveSibling("ca.crt")));
        }

        Instant deleted = Instant.now();
        admin.pods().inNamespace("default").withName("sleeper").delete();
        await().atMost(Duration.ofSeconds(15)).until(() -> pod("sleeper") == null);
        assertTrue(Duration.between(deleted, Instant.now()).toSeconds() < 10, "confirmed by the node, not waited out");
        assertFalse(sleep.isAlive());
    }

    @Test
    @Order(3)
    void theGarbageCollectorsDeletionStopsThePod() throws Exception {
        var owner = admin.resource(new ConfigMapBuilder().withNewMetadata().withName("owner").withNamespace("default")
                .endMetadata().withData(Map.of("k", "v")).build()).create();
        create(sleeper("owned", "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done")
                .editMetadata().addNewOwnerReference().withApiVersion("v1").withKind("ConfigMap").withName("owner")
                    .withUid(owner.getMetadata().getUid()).endOwnerReference().endMetadata().build());
        await().atMost(WAIT).until(() -> "Running".equals(Optional.ofNullable(pod("owned")).map(p -> p.getStatus().getPhase()).orElse(null)));
        ProcessHandle shell = process(pod("owned")).orElseThrow();
        admin.resource(owner).delete();
        // the garbage collector finds the dependent (it rediscovers resources every ~30 s), deletes it with a grace
        // period, the node stops the process and confirms
        await().atMost(Duration.ofSeconds(90)).until(() -> pod("owned") == null);
        assertFalse(shell.isAlive());
    }

    @Test
    @Order(4)
    void aStoppedNodeFailsItsPodsAndARestartTakesItsNodeBackWithoutRerunning() throws Exception {
        create(sleeper("stayer", "sleep", "301").build());
        await().atMost(WAIT).until(() -> "True".equals(condition(pod("stayer"), "Ready")));
        ProcessHandle sleep = process(pod("stayer")).orElseThrow();
        node.close();
        node = null;
        assertFalse(sleep.isAlive());
        Pod stopped = pod("stayer");
        assertEquals(List.of("Failed", "Terminated", LocalNode.SHUTDOWN_MESSAGE), List.of(stopped.getStatus().getPhase(),
                stopped.getStatus().getReason(), stopped.getStatus().getMessage()));
        assertEquals("False", nodeReady());

        node = startNode();
        await().atMost(WAIT).until(() -> "True".equals(nodeReady()));
        Thread.sleep(2000);
        assertEquals(stopped.getStatus().getContainerStatuses(), pod("stayer").getStatus().getContainerStatuses(),
                "a pod that ended is not run again");
        admin.pods().inNamespace("default").withName("stayer").delete();
        await().atMost(Duration.ofSeconds(15)).until(() -> pod("stayer") == null);
    }
}
