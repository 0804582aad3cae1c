package io.vmtemplating.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vmtemplating.api.v1alpha1.ClonePhase;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The product on a real Kubernetes 1.34 control plane (etcd, kube-apiserver with RBAC and PodSecurity,
 * controller-manager, scheduler), the operator as a user runs it (its ServiceAccount, webhook over TLS from a
 * ValidatingWebhookConfiguration), and real QEMU in pods run by the local node. What the API server, not our code,
 * does is asserted here: CRD acceptance, defaults, CEL, admission through the webhook, garbage collection.
 */
@Tag("qemu")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterE2EIT {
    private static final Duration LONG = Duration.ofMinutes(6);
    private static final Path SAMPLES = Path.of("samples");
    private static KubernetesClient client;
    private static String ns;

    @BeforeAll
    static void cluster() {
        client = RealCluster.client();
        ns = RealCluster.namespace("e2e");
    }

    @Test
    @Order(1)
    void crdsAreStructuralAndEstablished() {
        for (String name : List.of("vmtemplates.vmtemplating.io", "vmclones.vmtemplating.io")) {
            CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().withName(name).get();
            assertNotNull(crd, name);
            var conditions = crd.getStatus().getConditions();
            assertTrue(conditions.stream().anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True")),
                    () -> name + ": " + conditions);
            assertTrue(conditions.stream().noneMatch(c -> c.getType().equals("NonStructuralSchema")), () -> name + ": " + conditions);
        }
        // GitOps tools apply server-side: a CRD the API server cannot merge (a rule listed twice once was) fails there
        RealCluster.Result serverSide = RealCluster.kubectl("apply", "--server-side", "--force-conflicts",
                "--dry-run=server", "-f", "crds/");
        assertEquals(0, serverSide.exitCode(), serverSide.output());
        RealCluster.Result explain = RealCluster.kubectl("explain", "vmtemplate.spec.memory");
        assertEquals(0, explain.exitCode(), explain.output());
        assertTrue(explain.stdout().contains("hugePageSize"), explain.stdout());
    }

    @Test
    @Order(2)
    void theApiServerAppliesTheSchemaDefaults() throws IOException {
        GenericKubernetesResource template = read(SAMPLES.resolve("demo/template.yaml")).get(0);
        template.getMetadata().setNamespace(ns);
        // left out, so the server must fill them in
        Map<?, ?> given = (Map<?, ?>) template.getAdditionalProperties().get("spec");
        given.remove("cpus");
        ((Map<?, ?>) given.get("freeze")).remove("timeoutSeconds");
        GenericKubernetesResource stored = client.genericKubernetesResources("vmtemplating.io/v1alpha1", "VmTemplate")
                .inNamespace(ns).resource(template).dryRun().create();
        Map<String, Object> spec = stored.get("spec");
        assertEquals(1, spec.get("cpus"), String.valueOf(spec));
        assertEquals("q35", spec.get("machine"), String.valueOf(spec));
        assertEquals("tmpfs", ((Map<?, ?>) spec.get("memory")).get("backend"), String.valueOf(spec));
        assertEquals(600, ((Map<?, ?>) spec.get("freeze")).get("timeoutSeconds"), String.valueOf(spec));
    }

    @Test
    @Order(3)
    void everySampleIsAccepted() throws IOException {
        List<String> refused = new ArrayList<>();
        for (Path file : yamlFiles(SAMPLES)) {
            if (file.getFileName().toString().equals("claim.yaml")) {
                // a claim needs its pool to exist (samples/pool/ and samples/claim-data/): samples/pool/claim.yaml is
                // applied for real in aPoolHandsAClaimAWarmMember
                continue;
            }
            RealCluster.Result result = RealCluster.kubectl("apply", "-n", ns, "--dry-run=server", "-f", file.toString());
            if (result.exitCode() != 0) {
                refused.add(file + ": " + result.stderr());
            }
        }
        assertTrue(refused.isEmpty(), () -> String.join("\n", refused));
    }

    @Test
    @Order(4)
    void theDemoTemplateFreezesAndThreeClonesRun() {
        RealCluster.Result apply = RealCluster.kubectl("apply", "-n", ns, "-f", SAMPLES.resolve("demo").toString());
        assertEquals(0, apply.exitCode(), apply.output());
        await().atMost(LONG).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertEquals(TemplatePhase.Ready, phase(template("demo")), () -> String.valueOf(template("demo").getStatus())));
        for (String name : List.of("demo-1", "demo-2", "demo-3")) {
            await().atMost(LONG).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertEquals(ClonePhase.Running, clonePhase(name), () -> String.valueOf(clone(name).getStatus())));
            assertEquals("local-node", clone(name).getStatus().nodeName());
        }
        assertEquals(Optional.of("local-node"), Optional.ofNullable(client.pods().inNamespace(ns).withName("demo-1-vm").get())
                .map(p -> p.getSpec().getNodeName()));
        launchersTakeCommandsOnlyWithTheNamespacesToken();
        aPoolHandsAClaimAWarmMember();
    }

    /** Issue 16 on the real API server: samples/pool/ as README shows it, the claim served from a Ready member. */
    private void aPoolHandsAClaimAWarmMember() {
        RealCluster.Result pool = RealCluster.kubectl("apply", "-n", ns, "-f", SAMPLES.resolve("pool/pool.yaml").toString());
        assertEquals(0, pool.exitCode(), pool.output());
        await().atMost(LONG).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            var status = client.resources(io.vmtemplating.api.v1alpha1.VmClonePool.class).inNamespace(ns).withName("demo-warm").get().getStatus();
            assertEquals(Integer.valueOf(2), status == null ? null : status.readyReplicas(), () -> String.valueOf(status));
        });
        // the scale subresource answers as kubectl scale and a HorizontalPodAutoscaler read it
        RealCluster.Result scale = RealCluster.kubectl("get", "--raw",
                "/apis/vmtemplating.io/v1alpha1/namespaces/" + ns + "/vmclonepools/demo-warm/scale");
        assertTrue(scale.output().contains("\"replicas\":2") && scale.output().contains("vmtemplating.io/pool=demo-warm"), scale.output());
        RealCluster.Result claim = RealCluster.kubectl("apply", "-n", ns, "-f", SAMPLES.resolve("pool/claim.yaml").toString());
        assertEquals(0, claim.exitCode(), claim.output());
        await().atMost(LONG).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertEquals(ClonePhase.Running, clonePhase("demo-claim-1"), () -> String.valueOf(clone("demo-claim-1").getStatus())));
        assertEquals("Warm", clone("demo-claim-1").getStatus().claim().path());
        RealCluster.Result delete = RealCluster.kubectl("delete", "-n", ns, "-f", SAMPLES.resolve("pool").toString());
        assertEquals(0, delete.exitCode(), delete.output());
    }

    /** Issue 15, item 6: the token Secret the operator made, the pods mount, and a POST without it refused. */
    private void launchersTakeCommandsOnlyWithTheNamespacesToken() {
        assertNotNull(client.secrets().inNamespace(ns).withName("vmtemplating-launcher-token").get(),
                "the operator made the namespace's launcher token");
        io.fabric8.kubernetes.api.model.Pod pod = client.pods().inNamespace(ns).withName("demo-1-vm").get();
        // the local node gives the launcher's 8080 a free port and says which on the pod (docs/launcher.md)
        int port = pod.getStatus().getConditions().stream()
                .filter(c -> io.vmtemplating.launcher.PortMap.CONDITION_TYPE.equals(c.getType())).findFirst()
                .map(c -> io.vmtemplating.launcher.PortMap.parse(c.getMessage())).orElse(io.vmtemplating.launcher.PortMap.IDENTITY)
                .nodePort(io.vmtemplating.launcher.PodContract.HTTP_PORT);
        try {
            var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://" + pod.getStatus().getPodIP() + ":" + port + "/pause"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(401, response.statusCode(), response.body());
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError("demo-1's launcher does not answer", e);
        }
        assertEquals(ClonePhase.Running, clonePhase("demo-1"));
        // deploy/vm-namespace/ as README tells an admin to apply it in each VM namespace
        RealCluster.Result policy = RealCluster.kubectl("apply", "-n", ns, "-f",
                java.nio.file.Path.of("deploy/vm-namespace/networkpolicy.yaml").toAbsolutePath().toString());
        assertEquals(0, policy.exitCode(), policy.output());
    }

    @Test
    @Order(5)
    void vmtRunTakesAKubeconfigAndDeletesWhatItCreated() throws IOException {
        Path clone = Files.createTempFile("vmt-run-clone", ".yaml");
        Files.writeString(clone, Files.readString(SAMPLES.resolve("demo/clone-1.yaml")).replace("name: demo-1", "name: demo-run"));
        try {
            var out = new java.io.ByteArrayOutputStream();
            var err = new java.io.ByteArrayOutputStream();
            int exit = io.vmtemplating.cli.Vmt.run(new String[] {"run", "-f", clone.toString(), "--once", "--timeout", "300",
                "--kubeconfig", RealCluster.kubeconfig().toString(), "-n", ns}, new java.io.PrintStream(out, true),
                    new java.io.PrintStream(err, true));
            assertEquals(0, exit, out + "\n" + err);
            assertTrue(out.toString().contains("VmClone/demo-run Running"), out.toString());
            assertTrue(err.toString().contains("cluster at https://127.0.0.1:"), err.toString());
            assertEquals(null, clone("demo-run"), "vmt run deletes what it created");
            assertNotNull(template("demo"), "and nothing else");
        } finally {
            Files.deleteIfExists(clone);
        }
    }

    @Test
    @Order(6)
    void kubectlShowsThePrinterColumnsAndEvents() {
        RealCluster.Result templates = RealCluster.kubectl("get", "vmtpl", "-n", ns);
        assertEquals(0, templates.exitCode(), templates.output());
        assertTrue(templates.stdout().lines().findFirst().orElse("").matches("NAME\\s+AGE\\s+MEMORY\\s+CLONES\\s+NODE\\s+PHASE\\s*"),
                templates.stdout());
        assertTrue(templates.stdout().matches("(?s).*\\ndemo\\s+\\S+\\s+512Mi\\s+3\\s+local-node\\s+Ready\\s*"), templates.stdout());
        RealCluster.Result clones = RealCluster.kubectl("get", "vmcl", "-n", ns, "--no-headers");
        assertEquals(3, clones.stdout().lines().filter(l -> l.matches("demo-\\d\\s+\\S+\\s+demo\\s+\\d+\\s+local-node\\s+Running\\s+\\d+\\s*")).count(),
                clones.stdout());
        RealCluster.Result events = RealCluster.kubectl("get", "events", "-n", ns,
                "--field-selector", "involvedObject.kind=VmTemplate", "-o", "name");
        assertNotEquals("", events.stdout().strip(), "the operator records Events on templates: " + events.output());
    }

    @Test
    @Order(7)
    void theSpecIsImmutableByTheApiServersOwnRule() {
        RealCluster.Result patch = RealCluster.kubectl("patch", "vmtpl", "demo", "-n", ns, "--type", "merge",
                "-p", "{\"spec\":{\"cpus\":2}}");
        assertNotEquals(0, patch.exitCode());
        assertTrue(patch.stderr().contains("VmTemplate spec is immutable"), patch.stderr());
        RealCluster.Result clonePatch = RealCluster.kubectl("patch", "vmcl", "demo-1", "-n", ns, "--type", "merge",
                "-p", "{\"spec\":{\"templateRef\":{\"name\":\"other\"}}}");
        assertNotEquals(0, clonePatch.exitCode());
        assertTrue(clonePatch.stderr().contains("templateRef is immutable: create a new VmClone instead"), clonePatch.stderr());
    }

    @Test
    @Order(8)
    void everyRejectedSampleIsRefusedWithItsMessage() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Path file : yamlFiles(SAMPLES.resolve("rejected"))) {
            String expect = expectedMessage(file);
            List<GenericKubernetesResource> objects = read(file);
            // a clone's rules need its template: the file's template is created for real (and removed after)
            List<GenericKubernetesResource> templates = objects.subList(0, objects.size() - 1);
            GenericKubernetesResource refused = objects.get(objects.size() - 1);
            templates.forEach(t -> generic(t).resource(inNs(t)).create());
            try {
                try {
                    generic(refused).resource(inNs(refused)).dryRun().create();
                    wrong.add(file + ": accepted through fabric8");
                } catch (KubernetesClientException e) {
                    if (expect != null && !e.getMessage().contains(expect)) {
                        wrong.add(file + ": fabric8 read '" + e.getStatus().getMessage() + "', expected '" + expect + "'");
                    }
                }
                RealCluster.Result apply = RealCluster.kubectl("apply", "-n", ns, "-f", file.toString());
                if (apply.exitCode() == 0) {
                    wrong.add(file + ": accepted through kubectl apply");
                } else if (expect != null && !apply.stderr().contains(expect)) {
                    wrong.add(file + ": kubectl apply printed '" + apply.stderr().strip() + "', expected '" + expect + "'");
                }
            } finally {
                templates.forEach(t -> generic(t).inNamespace(ns).withName(t.getMetadata().getName()).delete());
            }
        }
        assertTrue(wrong.isEmpty(), () -> String.join("\n", wrong));
    }

    @Test
    @Order(9)
    void aDeletedClonesPodIsCollectedByTheGarbageCollectorAndItsQemuStops() {
        RealCluster.Result delete = RealCluster.kubectl("delete", "vmcl", "demo-3", "-n", ns);
        assertEquals(0, delete.exitCode(), delete.output());
        await().atMost(LONG).until(() -> client.pods().inNamespace(ns).withName("demo-3-vm").get() == null);
        await().atMost(Duration.ofSeconds(30)).until(() -> qemuProcesses("demo-3-vm") == 0);
        assertEquals(ClonePhase.Running, clonePhase("demo-1"), "the other clones run on");
    }

    @Test
    @Order(10)
    void templateDeletionWaitsForItsClonesThenRemovesItsFiles() throws IOException {
        String uid = template("demo").getMetadata().getUid();
        Path memory = RealCluster.onNode("/dev/shm/vmtemplating/" + uid);
        Path state = RealCluster.onNode("/var/lib/vmtemplating/templates/" + uid);
        assertFalse(entries(memory).isEmpty(), memory + " holds the template's memory");
        assertFalse(entries(state).isEmpty(), state + " holds the template's device state");
        RealCluster.Result delete = RealCluster.kubectl("delete", "vmtpl", "demo", "-n", ns, "--wait=false");
        assertEquals(0, delete.exitCode(), delete.output());
        await().atMost(LONG).untilAsserted(() -> assertEquals(TemplatePhase.Deleting, phase(template("demo"))));
        assertNotNull(template("demo").getMetadata().getDeletionTimestamp());
        assertFalse(entries(memory).isEmpty(), "files stay while clones map them");

        RealCluster.Result clones = RealCluster.kubectl("delete", "vmcl", "--all", "-n", ns);
        assertEquals(0, clones.exitCode(), clones.output());
        await().atMost(LONG).until(() -> template("demo") == null);
        // the cleanup pod mounts exactly these two directories and empties them; a mount point cannot remove
        // itself from inside the pod, so they stay, empty (docs/security.md)
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(List.of(), entries(memory), "memory"));
        assertEquals(List.of(), entries(state), "state");
        await().atMost(Duration.ofSeconds(60)).until(() -> client.pods().inNamespace(ns).list().getItems().isEmpty());
    }

    @Test
    @Order(11)
    void claimDataNamesOnlyASecretItsCreatorMayGetAsTheApiServerAnswers() {
        // two users who may create VmClones here; only bob may get Secrets (RBAC, answered by a real SubjectAccessReview)
        RealCluster.Result rbac = RealCluster.kubectl("-n", ns, "create", "role", "vm-user", "--verb=create,get,delete",
                "--resource=vmclones.vmtemplating.io");
        assertEquals(0, rbac.exitCode(), rbac.output());
        assertEquals(0, RealCluster.kubectl("-n", ns, "create", "role", "secret-reader", "--verb=get", "--resource=secrets").exitCode());
        assertEquals(0, RealCluster.kubectl("-n", ns, "create", "rolebinding", "vm-users", "--role=vm-user", "--user=alice",
                "--user=bob").exitCode());
        assertEquals(0, RealCluster.kubectl("-n", ns, "create", "rolebinding", "bob-reads-secrets", "--role=secret-reader",
                "--user=bob").exitCode());
        String claim = """
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClone
                metadata: {name: %s}
                spec:
                  templateRef: {name: later}
                  claimData: {secretRef: {name: app-creds}}
                """;
        java.util.function.BiFunction<String, String, RealCluster.Result> createAs = (user, name) -> {
            try {
                Path file = Files.createTempFile("claim", ".yaml");
                Files.writeString(file, claim.formatted(name));
                try {
                    return RealCluster.kubectl("--as=" + user, "-n", ns, "create", "-f", file.toString());
                } finally {
                    Files.delete(file);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };

        RealCluster.Result refused = createAs.apply("alice", "alices");
        assertNotEquals(0, refused.exitCode(), refused.output());
        assertTrue(refused.output().contains("spec.claimData.secretRef.name: alice may not get Secret app-creds in namespace "
                + ns + "; the operator reads it for the clone's guest only when its creator may get it"), refused.output());
        assertNull(clone("alices"), "nothing stored");

        RealCluster.Result admitted = createAs.apply("bob", "bobs");
        assertEquals(0, admitted.exitCode(), admitted.output());
        assertEquals(0, RealCluster.kubectl("-n", ns, "delete", "vmclone", "bobs").exitCode());
    }

    /** The names in a directory; fails when it is not one. */
    private static List<String> entries(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static long qemuProcesses(String podName) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("qemu-system"))
                .filter(p -> p.info().commandLine().orElse("").contains(podName)).count();
    }

    private static VmTemplate template(String name) {
        return client.resources(VmTemplate.class).inNamespace(ns).withName(name).get();
    }

    private static VmClone clone(String name) {
        return client.resources(VmClone.class).inNamespace(ns).withName(name).get();
    }

    private static TemplatePhase phase(VmTemplate template) {
        return template == null || template.getStatus() == null ? null : template.getStatus().phase();
    }

    private static ClonePhase clonePhase(String name) {
        VmClone clone = clone(name);
        return clone == null || clone.getStatus() == null ? null : clone.getStatus().phase();
    }

    private static GenericKubernetesResource inNs(GenericKubernetesResource object) {
        object.getMetadata().setNamespace(ns);
        return object;
    }

    private static io.fabric8.kubernetes.client.dsl.MixedOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
            io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> generic(HasMetadata object) {
        return client.genericKubernetesResources(object.getApiVersion(), object.getKind());
    }

    /** The `# expect:` line of a rejected sample: the message the user must read. */
    private static String expectedMessage(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> l.startsWith("# expect: "))
                .map(l -> l.substring("# expect: ".length()).strip()).findFirst().orElse(null);
    }

    private static List<GenericKubernetesResource> read(Path file) throws IOException {
        List<GenericKubernetesResource> objects = new ArrayList<>();
        for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
            if (document.lines().anyMatch(l -> l.startsWith("kind:"))) {
                objects.add(client.getKubernetesSerialization().unmarshal(document, GenericKubernetesResource.class));
            }
        }
        if (objects.isEmpty()) {
            fail(file + " holds no object");
        }
        return objects;
    }

    private static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir, dir.endsWith("rejected") ? 1 : 2)) {
            return files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> dir.endsWith("rejected") || !f.startsWith(SAMPLES.resolve("rejected")))
                    .sorted().toList();
        }
    }
}
