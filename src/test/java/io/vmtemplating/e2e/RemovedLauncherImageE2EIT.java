package io.vmtemplating.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * v1alpha1 dropped VmTemplate's spec.launcherImage (issue 15: the launcher image is the cluster admin's). What the
 * real API server then does with it: kubectl (strict field validation) is refused naming the field, a client that
 * asks for no validation gets a warning and the field dropped, and a template stored while the schema still had it
 * is read back without it — so no path leads a template's image to the operator.
 */
class RemovedLauncherImageE2EIT {
    private static final String TEMPLATE = """
            apiVersion: %s
            kind: VmTemplate
            metadata:
              name: %s
            spec:
              memory: {size: 512Mi}
              boot: {kernel: {hostPath: {path: /var/lib/vmtemplating/guest/vmlinuz}}}
              freeze: {serialConsolePattern: READY}
              launcherImage: registry.example/mine:1
            """;
    private static KubernetesClient client;
    private static String ns;

    @BeforeAll
    static void cluster() {
        client = RealCluster.client();
        ns = RealCluster.namespace("launcher-image");
    }

    @Test
    void kubectlApplyIsRefusedNamingTheField(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("t.yaml"), TEMPLATE.formatted("vmtemplating.io/v1alpha1", "own-image"));
        RealCluster.Result apply = RealCluster.kubectl("apply", "-n", ns, "-f", file.toString());
        assertNotEquals(0, apply.exitCode(), apply.output());
        assertTrue(apply.stderr().contains("VmTemplate in version \"v1alpha1\" cannot be handled as a VmTemplate: strict"
                + " decoding error: unknown field \"spec.launcherImage\""), apply.stderr());
    }

    @Test
    void withoutStrictValidationTheFieldIsDroppedWithAWarning(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("t.yaml"), TEMPLATE.formatted("vmtemplating.io/v1alpha1", "own-image-warn"));
        RealCluster.Result create = RealCluster.kubectl("create", "-n", ns, "--validate=warn", "--dry-run=server", "-o", "json",
                "-f", file.toString());
        assertEquals(0, create.exitCode(), create.output());
        assertTrue(create.stderr().contains("Warning: unknown field \"spec.launcherImage\""), create.stderr());
        Map<?, ?> spec = (Map<?, ?>) Serialization.unmarshal(create.stdout(), Map.class).get("spec");
        assertFalse(spec.containsKey("launcherImage"), String.valueOf(spec));
    }

    /**
     * A scratch copy of our CRD in a group of its own (the real one is shared by the whole suite): first with the
     * old field in its schema, a template stored with it, then the schema of crds/ — the server prunes on read.
     */
    @Test
    void aTemplateStoredWhileTheSchemaHadTheFieldIsReadWithoutIt() throws IOException {
        String group = "pruning.e2e.vmtemplating.io";
        CustomResourceDefinition crd = Serialization.unmarshal(
                Files.readString(Path.of("crds/vmtemplates.vmtemplating.io-v1.yml")), CustomResourceDefinition.class);
        crd.getMetadata().setName("vmtemplates." + group);
        crd.getSpec().setGroup(group);
        specSchema(crd).getProperties().put("launcherImage", new JSONSchemaPropsBuilder().withType("string").build());
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> established(crd.getMetadata().getName()));
            String apiVersion = group + "/v1alpha1";
            GenericKubernetesResource old = Serialization.unmarshal(TEMPLATE.formatted(apiVersion, "stored-before"),
                    GenericKubernetesResource.class);
            old.getMetadata().setNamespace(ns);
            var templates = client.genericKubernetesResources(apiVersion, "VmTemplate").inNamespace(ns);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> templates.resource(old).create() != null);
            assertEquals("registry.example/mine:1", spec(templates.withName("stored-before").get()).get("launcherImage"));

            CustomResourceDefinition stored = client.apiextensions().v1().customResourceDefinitions()
                    .withName(crd.getMetadata().getName()).get();
            specSchema(stored).getProperties().remove("launcherImage");
            client.apiextensions().v1().customResourceDefinitions().resource(stored).update();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertFalse(spec(templates.withName("stored-before").get()).containsKey("launcherImage"), "get");
                assertFalse(spec(templates.list().getItems().get(0)).containsKey("launcherImage"), "list");
            });
        } finally {
            client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName()).delete();
        }
    }

    private static JSONSchemaProps specSchema(CustomResourceDefinition crd) {
        return crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    }

    private static Map<?, ?> spec(GenericKubernetesResource template) {
        return (Map<?, ?>) template.getAdditionalProperties().get("spec");
    }

    private static boolean established(String name) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().withName(name).get();
        // right after an update the status may have no conditions yet
        return crd.getStatus() != null && crd.getStatus().getConditions() != null && crd.getStatus().getConditions().stream()
                .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
    }
}
