package io.vmtemplating.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/ is what `kubectl apply -k deploy/` sends: every object must be one the API server knows, field by field. */
class DeployManifestsTest {

    private static List<HasMetadata> objects() throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        for (Path file : ProjectFiles.yamlFilesUnder("deploy")) {
            // deploy/argocd holds Argo CD's health checks and their test data, not manifests; deploy/components/monitoring
            // holds kinds of the Prometheus Operator, outside fabric8's model (theMonitoringComponent... below)
            if (file.getFileName().toString().equals("kustomization.yaml") || file.startsWith(ProjectFiles.ROOT.resolve("deploy/argocd"))
                    || file.startsWith(ProjectFiles.ROOT.resolve("deploy/components"))) {
                continue;
            }
            Object parsed = Serialization.unmarshal(Files.readString(file));
            if (parsed instanceof Collection<?> many) {
                many.forEach(o -> objects.add((HasMetadata) o));
            } else {
                objects.add((HasMetadata) parsed);
            }
        }
        return objects;
    }

    @Test
    void everyFieldIsKnownToTheKubernetesModel() throws IOException {
        List<String> unknown = new ArrayList<>();
        for (HasMetadata object : objects()) {
            if (object instanceof GenericKubernetesResource generic) {
                assertTrue(generic.getApiVersion().startsWith("cert-manager.io/"),
                        "only cert-manager objects may be outside the Kubernetes model: " + generic.getKind());
                continue;
            }
            collectUnknownFields(object, object.getKind() + "/" + object.getMetadata().getName(), unknown,
                    new IdentityHashMap<>());
        }
        assertEquals(List.of(), unknown);
    }

    /** The operator reads one Secret by name, in any namespace; it never lists or reads the cluster's other Secrets. */
    @Test
    void theOnlySecretTheOperatorMayReadIsTheLauncherToken() throws IOException {
        io.fabric8.kubernetes.api.model.rbac.ClusterRole role = Serialization.unmarshal(
                Files.readString(ProjectFiles.ROOT.resolve("deploy/clusterrole.yaml")), io.fabric8.kubernetes.api.model.rbac.ClusterRole.class);
        List<String> secretGrants = role.getRules().stream().filter(r -> r.getResources().contains("secrets"))
                .map(r -> r.getVerbs() + " " + r.getResourceNames()).toList();
        assertEquals(List.of("[create] []", "[get] [vmtemplating-launcher-token]"), secretGrants);
    }

    @Test
    void claimDataSecretsAreReadOnlyInNamespacesThatOptIn() throws IOException {
        List<HasMetadata> objects = Serialization.unmarshal(
                Files.readString(ProjectFiles.ROOT.resolve("deploy/vm-namespace/claim-data-secrets.yaml")));
        io.fabric8.kubernetes.api.model.rbac.Role role = (io.fabric8.kubernetes.api.model.rbac.Role) objects.get(0);
        assertEquals(List.of("[] [secrets] [get] []"), role.getRules().stream()
                .map(r -> r.getApiGroups() + " " + r.getResources() + " " + r.getVerbs() + " " + r.getResourceNames()).toList(),
                "get by name only: no list or watch, so the operator learns no Secret a clone does not name");
        io.fabric8.kubernetes.api.model.rbac.RoleBinding binding = (io.fabric8.kubernetes.api.model.rbac.RoleBinding) objects.get(1);
        assertEquals("vmtemplating-operator", binding.getSubjects().get(0).getName());
        assertEquals(null, role.getMetadata().getNamespace(), "applied with -n into each VM namespace");
    }

    @Test
    void kustomizationListsEveryManifest() throws IOException {
        JsonNode kustomization = CrdSchemas.YAML.readTree(ProjectFiles.ROOT.resolve("deploy/kustomization.yaml").toFile());
        Set<String> listed = new java.util.TreeSet<>();
        kustomization.path("resources").forEach(r -> listed.add(r.asText()));
        // deploy/vm-namespace/ is applied per VM namespace, deploy/cert-manager/ where cert-manager runs
        // (README "Install on a cluster"): neither is in the kustomization
        Set<String> files = ProjectFiles.yamlFilesUnder("deploy").stream()
                .filter(f -> f.getParent().equals(ProjectFiles.ROOT.resolve("deploy")))
                .map(f -> f.getFileName().toString())
                .filter(f -> !f.equals("kustomization.yaml"))
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        assertEquals(files, listed);
    }

    @Test
    void webhookIsWiredToTheOperatorService() throws IOException {
        List<HasMetadata> objects = objects();
        Namespace namespace = find(objects, Namespace.class);
        assertEquals("restricted", namespace.getMetadata().getLabels().get("pod-security.kubernetes.io/enforce"));
        ValidatingWebhookConfiguration webhooks = find(objects, ValidatingWebhookConfiguration.class);
        Service service = service(objects, webhooks.getWebhooks().get(0).getClientConfig().getService().getName());
        Deployment deployment = find(objects, Deployment.class);
        assertEquals(deployment.getSpec().getTemplate().getMetadata().getLabels(), service.getSpec().getSelector());
        webhooks.getWebhooks().forEach(w -> {
            assertEquals("Fail", w.getFailurePolicy());
            assertEquals("None", w.getSideEffects());
            assertEquals(List.of("v1"), w.getAdmissionReviewVersions());
            assertEquals(service.getMetadata().getName(), w.getClientConfig().getService().getName());
            assertEquals(namespace.getMetadata().getName(), w.getClientConfig().getService().getNamespace());
        });
        GenericKubernetesResource certificate = objects.stream()
                .filter(o -> o.getKind().equals("Certificate"))
                .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
        String secretName = (String) ((Map<?, ?>) certificate.getAdditionalProperties().get("spec")).get("secretName");
        assertTrue(deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                .anyMatch(v -> v.getSecret() != null && secretName.equals(v.getSecret().getSecretName())),
                "the operator must mount the Secret the Certificate writes: " + secretName);
    }

    /**
     * README's `kustomize edit set image vm-templating-operator=...` must move the launcher image too: the launcher
     * pods then run the operator's own (new) image. Run on a copy of deploy/ with the stanza that command writes (no
     * kustomize binary here; kubectl's built-in kustomize builds it), through the pinned kubectl.
     */
    @Test
    void settingTheImageSetsTheLauncherImageToo(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("deploy");
        Files.createDirectories(copy);
        // the kustomization's own directory: what `kubectl apply -k deploy/` reads
        for (Path file : ProjectFiles.yamlFilesUnder("deploy")) {
            if (!file.getParent().equals(ProjectFiles.ROOT.resolve("deploy"))) {
                continue;
            }
            Files.copy(file, copy.resolve(file.getFileName()));
        }
        Files.writeString(copy.resolve("kustomization.yaml"), """
                images:
                - name: vm-templating-operator
                  newName: registry.example/team/vmt
                  newTag: "1.2"
                """, java.nio.file.StandardOpenOption.APPEND);
        Process build = new ProcessBuilder(pinnedKubectl(), "kustomize", copy.toString()).redirectErrorStream(true).start();
        String built = new String(build.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, build.waitFor(), built);
        Deployment deployment = ((List<?>) Serialization.unmarshal(built)).stream()
                .filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst().orElseThrow();
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("registry.example/team/vmt:1.2", container.getImage());
        assertEquals(List.of("registry.example/team/vmt:1.2"), container.getEnv().stream()
                .filter(e -> e.getName().equals("VMT_LAUNCHER_IMAGE")).map(e -> e.getValue()).toList());
    }

    /** The metrics Service reaches the operator's HTTP port, where Quarkus serves /q/metrics (docs/metrics.md). */
    @Test
    void theMetricsServiceReachesTheOperatorsHttpPort() throws IOException {
        List<HasMetadata> objects = objects();
        Service metrics = service(objects, "vmtemplating-operator-metrics");
        Deployment deployment = find(objects, Deployment.class);
        assertEquals(deployment.getSpec().getTemplate().getMetadata().getLabels(), metrics.getSpec().getSelector());
        String targetPort = metrics.getSpec().getPorts().get(0).getTargetPort().getStrVal();
        assertEquals(List.of(8080), deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().stream()
                .filter(p -> targetPort.equals(p.getName())).map(p -> p.getContainerPort()).toList());
        assertEquals(Map.of("app.kubernetes.io/name", "vmtemplating-operator", "app.kubernetes.io/component", "metrics"),
                metrics.getMetadata().getLabels());
    }

    /**
     * deploy/components/monitoring builds on top of deploy/ as docs/metrics.md's overlay does (kubectl's kustomize): its
     * ServiceMonitor selects the metrics Service by its labels and port, its PodMonitor the launcher pods' port.
     */
    @Test
    void theMonitoringComponentBuildsOnTopOfDeploy(@TempDir Path dir) throws Exception {
        Path deploy = dir.resolve("deploy");
        for (Path file : ProjectFiles.yamlFilesUnder("deploy")) {
            Path relative = ProjectFiles.ROOT.resolve("deploy").relativize(file);
            if (file.getParent().equals(ProjectFiles.ROOT.resolve("deploy")) || relative.startsWith("components")) {
                Files.createDirectories(deploy.resolve(relative).getParent());
                Files.copy(file, deploy.resolve(relative));
            }
        }
        Path overlay = dir.resolve("overlay");
        Files.createDirectories(overlay);
        Files.writeString(overlay.resolve("kustomization.yaml"), """
                resources: [../deploy]
                components: [../deploy/components/monitoring]
                """);
        List<HasMetadata> built = kustomize(overlay);
        Map<String, GenericKubernetesResource> monitoring = built.stream()
                .filter(o -> o.getApiVersion().equals("monitoring.coreos.com/v1"))
                .collect(Collectors.toMap(HasMetadata::getKind, GenericKubernetesResource.class::cast));
        assertEquals(Set.of("ServiceMonitor", "PodMonitor", "PrometheusRule"), monitoring.keySet());
        monitoring.values().forEach(o -> assertEquals("vmtemplating-system", o.getMetadata().getNamespace(), o.getKind()));

        Service metrics = service(built, "vmtemplating-operator-metrics");
        Map<?, ?> serviceMonitor = spec(monitoring.get("ServiceMonitor"));
        assertEquals(metrics.getMetadata().getLabels(), ((Map<?, ?>) serviceMonitor.get("selector")).get("matchLabels"));
        Map<?, ?> endpoint = (Map<?, ?>) ((List<?>) serviceMonitor.get("endpoints")).get(0);
        assertEquals(metrics.getSpec().getPorts().get(0).getName(), endpoint.get("port"));
        assertEquals("/q/metrics", endpoint.get("path"));

        Map<?, ?> podMonitor = spec(monitoring.get("PodMonitor"));
        Map<?, ?> podEndpoint = (Map<?, ?>) ((List<?>) podMonitor.get("podMetricsEndpoints")).get(0);
        assertEquals(List.of("http", io.vmtemplating.launcher.PodContract.PATH_METRICS), List.of(podEndpoint.get("port"), podEndpoint.get("path")));
        assertEquals(Map.of(io.vmtemplating.reconciler.VmResources.LABEL_MANAGED_BY, io.vmtemplating.reconciler.VmResources.MANAGED_BY),
                ((Map<?, ?>) podMonitor.get("selector")).get("matchLabels"));

        // and deploy/ alone has none of them: it must apply where the Prometheus Operator's CRDs do not exist
        assertTrue(kustomize(deploy).stream().noneMatch(o -> o.getApiVersion().startsWith("monitoring.coreos.com/")));
    }

    /** Every metric an alert queries is one the operator serves (the families as Prometheus' parser reads them). */
    @Test
    void alertsQueryMetricsThatExist() throws IOException {
        GenericKubernetesResource rule = Serialization.unmarshal(Files.readString(
                ProjectFiles.ROOT.resolve("deploy/components/monitoring/prometheusrule.yaml")), GenericKubernetesResource.class);
        Map<String, Set<String>> queried = new java.util.TreeMap<>();
        for (Object group : (List<?>) spec(rule).get("groups")) {
            for (Object r : (List<?>) ((Map<?, ?>) group).get("rules")) {
                Map<?, ?> alert = (Map<?, ?>) r;
                queried.put((String) alert.get("alert"), PromQl.metricNames((String) alert.get("expr")));
            }
        }
        assertEquals(Map.of(
                "VmTemplateFailed", Set.of("vmtemplating_template_phase"),
                "VmCloneRestoreSlow", Set.of("vmtemplating_clone_restore_seconds_bucket"),
                "VmClonesFailing", Set.of("vmtemplating_clone_failures_total")), queried);
        Set<String> served = new java.util.TreeSet<>();
        io.vmtemplating.monitoring.PromText.parse(io.vmtemplating.monitoring.OperatorMetricsTest.pageWithEveryFamily()).families()
                .values().forEach(f -> {
                    served.add(f.name());
                    if (f.type().equals("HISTOGRAM") || f.type().equals("SUMMARY")) {
                        List.of("_bucket", "_count", "_sum").forEach(suffix -> served.add(f.name() + suffix));
                    }
                });
        queried.forEach((alert, names) -> assertTrue(served.containsAll(names), alert + " queries " + names + "; served: " + served));
    }

    private static List<HasMetadata> kustomize(Path dir) throws Exception {
        Process build = new ProcessBuilder(pinnedKubectl(), "kustomize", dir.toString()).redirectErrorStream(true).start();
        String built = new String(build.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, build.waitFor(), built);
        return ((List<?>) Serialization.unmarshal(built)).stream().map(HasMetadata.class::cast).toList();
    }

    private static Map<?, ?> spec(GenericKubernetesResource resource) {
        return (Map<?, ?>) resource.getAdditionalProperties().get("spec");
    }

    private static Service service(List<HasMetadata> objects, String name) {
        return objects.stream().filter(Service.class::isInstance).map(Service.class::cast)
                .filter(s -> name.equals(s.getMetadata().getName())).findFirst()
                .orElseThrow(() -> new AssertionError("deploy/ has no Service " + name));
    }

    /** The kubectl hack/cluster/build.sh pins (cached; `make test` builds it before the tests). */
    private static String pinnedKubectl() throws Exception {
        Process bin = new ProcessBuilder("bash", "hack/cluster/build.sh").directory(ProjectFiles.ROOT.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dir = new String(bin.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        assertEquals(0, bin.waitFor(), "hack/cluster/build.sh failed; run make cluster-binaries");
        return dir + "/kubectl";
    }

    private static <T> T find(List<HasMetadata> objects, Class<T> type) {
        return assertInstanceOf(type, objects.stream().filter(type::isInstance).findFirst().orElse(null),
                "deploy/ has no " + type.getSimpleName());
    }

    /** fabric8 keeps fields it does not know in additionalProperties: any entry there is a typo or a wrong level. */
    private static void collectUnknownFields(Object node, String path, List<String> unknown, Map<Object, Boolean> seen) {
        if (node == null || seen.put(node, Boolean.TRUE) != null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectUnknownFields(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> || !node.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            try {
                Object value = getter.invoke(node);
                if (getter.getName().equals("getAdditionalProperties")) {
                    ((Map<?, ?>) value).keySet().forEach(k -> unknown.add(path + "." + k));
                } else {
                    collectUnknownFields(value, path + "." + decapitalize(getter.getName().substring(3)), unknown, seen);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static String decapitalize(String name) {
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
