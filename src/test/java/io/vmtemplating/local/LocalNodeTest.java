package io.vmtemplating.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local node against fabric8's mock API server with `sleep` as the pods' command: what it registers, which pods it
 * runs, and what it leaves when it stops or restarts. The mock answers no spec.nodeName field selector, so the node
 * here watches every pod and binds unbound ones ({@code selfScheduling}), as for LocalCluster; it collects no orphans.
 * The real API server's side (its validation and authorization, its scheduler and garbage collector, the node's
 * field-selected watch) is the end-to-end suite's.
 */
@EnableKubernetesMockClient(crud = true)
class LocalNodeTest {
    private static final String NODE = "edge-1";
    private static final Duration WAIT = Duration.ofSeconds(20);
    KubernetesClient client;
    @TempDir
    Path root;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private LocalNode node;

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private LocalNode startNode() throws Exception {
        node = new LocalNode(client, root, List.of("/bin/false"), PodEnvironment.inherited(System.getenv()),
                new NodeMode(NODE, true, false), new PrintStream(log, true, StandardCharsets.UTF_8));
        node.start();
        return node;
    }

    private Pod create(String name, String nodeName, String... command) {
        return client.resource(new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(nodeName).withRestartPolicy("Never").withTerminationGracePeriodSeconds(2L)
                    .addNewContainer().withName("main").withImage("none").withCommand(command).endContainer()
                .endSpec().build()).create();
    }

    private Pod pod(String name) {
        return client.pods().inNamespace("default").withName(name).get();
    }

    private static Optional<ProcessHandle> process(Pod pod) {
        if (pod == null || pod.getStatus() == null || pod.getStatus().getContainerStatuses().isEmpty()
                || pod.getStatus().getContainerStatuses().get(0).getContainerID() == null) {
            return Optional.empty();
        }
        String id = pod.getStatus().getContainerStatuses().get(0).getContainerID();
        return ProcessHandle.of(Long.parseLong(id.substring(ContainerRun.ID_PREFIX.length())));
    }

    /** Ended: gone, or a zombie its new parent has not reaped yet (a killed pod's children are init's). */
    static boolean ended(ProcessHandle process) {
        try {
            return !process.isAlive() || Files.readString(Path.of("/proc/" + process.pid() + "/stat")).matches("^\\d+ \\(.*\\) Z .*\\s*$");
        } catch (java.io.IOException e) {
            return true;
        }
    }

    private static String phase(Pod pod) {
        return pod == null || pod.getStatus() == null ? null : pod.getStatus().getPhase();
    }

    @Test
    void registersItsNodeAndLease() throws Exception {
        startNode();
        var registered = client.nodes().withName(NODE).get();
        assertEquals(NodeDocuments.labels(NODE), registered.getMetadata().getLabels());
        assertEquals(List.of("MemoryPressure=False", "DiskPressure=False", "PIDPressure=False", "Ready=True"),
                registered.getStatus().getConditions().stream().map(c -> c.getType() + "=" + c.getStatus()).toList());
        assertEquals("110", registered.getStatus().getAllocatable().get("pods").toString());
        Lease lease = client.leases().inNamespace("kube-node-lease").withName(NODE).get();
        assertEquals(NODE, lease.getSpec().getHolderIdentity());
        assertEquals(registered.getMetadata().getUid(), lease.getMetadata().getOwnerReferences().get(0).getUid());
    }

    @Test
    void aRestartedNodeTakesOverItsNodeObject() throws Exception {
        client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName(NODE)
                .withLabels(Map.of("team", "a", "kubernetes.io/hostname", "old")).endMetadata().build()).create();
        startNode();
        assertEquals(Map.of("team", "a", "kubernetes.io/hostname", NODE, "kubernetes.io/os", "linux", "kubernetes.io/arch", "amd64"),
                client.nodes().withName(NODE).get().getMetadata().getLabels());
    }

    @Test
    void runsItsPodsNotAnotherNodesAndStopsOneThatIsDeleted() throws Exception {
        startNode();
        create("elsewhere", "other-node", "sleep", "62");
        create("mine", NODE, "sleep", "60");
        await().atMost(WAIT).until(() -> "Running".equals(phase(pod("mine"))));
        ProcessHandle mine = process(pod("mine")).orElseThrow();
        assertTrue(mine.isAlive());
        assertEquals("127.0.0.1", pod("mine").getStatus().getHostIP());
        // events are handled in order: "elsewhere" was looked at and left alone before "mine" started
        assertNull(phase(pod("elsewhere")));

        client.pods().inNamespace("default").withName("mine").delete();
        await().atMost(WAIT).until(() -> !mine.isAlive());
        await().atMost(WAIT).until(() -> pod("mine") == null);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("pod default/mine started (pid " + mine.pid()), log::toString);
    }

    @Test
    void aContainerLostByAnEarlierRunFailsAndIsNotRunAgain() throws Exception {
        Process stray = new ProcessBuilder("sleep", "63").start();
        Instant strayStart = stray.info().startInstant().orElseThrow();
        create("lost", NODE, "sleep", "64");
        client.pods().inNamespace("default").withName("lost").editStatus(p -> {
            p.setStatus(PodStatuses.of(p, "127.0.9.9",
                    new ContainerRun.Running(ContainerRun.containerId(stray.pid()), strayStart, true), Instant.now()));
            return p;
        });
        startNode();
        await().atMost(WAIT).until(() -> "Failed".equals(phase(pod("lost"))));
        Pod lost = pod("lost");
        assertEquals("NodeRestarted", lost.getStatus().getReason());
        var terminated = lost.getStatus().getContainerStatuses().get(0).getState().getTerminated();
        assertEquals(List.of(137, "ContainerStatusUnknown", ContainerRun.containerId(stray.pid())),
                List.of(terminated.getExitCode(), terminated.getReason(), terminated.getContainerID()));
        assertTrue(stray.waitFor(5, java.util.concurrent.TimeUnit.SECONDS), "the stray process was killed");
        assertFalse(ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").equals("sleep 64")),
                "its command is not run a second time");
    }

    @Test
    void stoppingTheNodeStopsEveryPodAndSaysWhy() throws Exception {
        startNode();
        create("a", NODE, "sleep", "65");
        create("b", NODE, "sh", "-c", "trap '' TERM; sleep 66 & wait");
        await().atMost(WAIT).until(() -> "Running".equals(phase(pod("a"))) && "Running".equals(phase(pod("b"))));
        ProcessHandle a = process(pod("a")).orElseThrow();
        ProcessHandle b = process(pod("b")).orElseThrow();
        // the child stands for QEMU under a launcher: it must not outlive the pod
        List<ProcessHandle> children = await().atMost(WAIT).until(() -> b.descendants().toList(), l -> !l.isEmpty());
        node.close();
        node = null;
        assertFalse(a.isAlive());
        assertFalse(b.isAlive(), "SIGKILL after the grace period");
        await().atMost(Duration.ofSeconds(5)).until(() -> children.stream().allMatch(LocalNodeTest::ended));
        for (String name : List.of("a", "b")) {
            Pod pod = pod(name);
            assertEquals(List.of("Failed", "Terminated", LocalNode.SHUTDOWN_MESSAGE),
                    List.of(phase(pod), pod.getStatus().getReason(), pod.getStatus().getMessage()));
        }
        try (var left = Files.list(root)) {
            assertEquals(List.of(), left.toList(), "the pods' directories are removed, and their parent");
        }
        assertEquals("False", client.nodes().withName(NODE).get().getStatus().getConditions().stream()
                .filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow().getStatus());
    }

    /**
     * The pods of this node share the machine's network: a launcher's port 8080 may be a developer's web server on
     * 0.0.0.0:8080. The container (a Python server that, like the launcher, listens on its VMT_PORT_MAP port for 8080,
     * else on 8080) gets a free port, the probe finds it there and the pod says where it is.
     */
    @Test
    void aPodsHttpPortIsAFreeOneWhen8080IsTaken() throws Exception {
        try (BusyPorts busy = BusyPorts.hold(8080, 8081)) {
            startNode();
            String server = "import os, http.server as h\n"
                    + "ports = dict(e.split('=') for e in os.environ.get('VMT_PORT_MAP', '').split(',') if e)\n"
                    + "h.HTTPServer((os.environ['POD_IP'], int(ports.get('8080', '8080'))), h.SimpleHTTPRequestHandler).serve_forever()\n";
            client.resource(new PodBuilder()
                    .withNewMetadata().withName("web").withNamespace("default").endMetadata()
                    .withNewSpec().withNodeName(NODE).withRestartPolicy("Never").withTerminationGracePeriodSeconds(2L)
                        .addNewContainer().withName("main").withImage("none").withCommand("python3", "-c", server)
                            .addNewPort().withName("http").withContainerPort(8080).endPort()
                            .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP")
                                .endFieldRef().endValueFrom().endEnv()
                            .withNewReadinessProbe().withNewHttpGet().withPath("/").withNewPort(8080).endHttpGet().endReadinessProbe()
                        .endContainer()
                    .endSpec().build()).create();
            await().atMost(WAIT).until(() -> pod("web").getStatus() != null
                    && pod("web").getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")));
            Pod web = pod("web");
            var portMap = web.getStatus().getConditions().stream()
                    .filter(c -> c.getType().equals(io.vmtemplating.launcher.PortMap.CONDITION_TYPE)).findFirst().orElseThrow();
            int port = io.vmtemplating.launcher.PortMap.parse(portMap.getMessage()).nodePort(8080);
            System.out.println("pod web at " + web.getStatus().getPodIP() + ", port map " + portMap.getMessage());
            assertTrue(port != 8080 && port != 8081, portMap.getMessage());
            var answer = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://" + web.getStatus().getPodIP() + ":" + port + "/")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
            assertEquals(200, answer.statusCode());
        }
    }
}
