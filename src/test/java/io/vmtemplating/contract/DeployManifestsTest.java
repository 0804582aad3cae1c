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

/** deploy/ is what `kubectl apply -k deploy/` sends: every object must be one the API server knows, field by field. */
class DeployManifestsTest {

    private static List<HasMetadata> objects() throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        for (Path file : ProjectFiles.yamlFilesUnder("deploy")) {
            if (file.getFileName().toString().equals("kustomization.yaml")) {
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

    @Test
    void kustomizationListsEveryManifest() throws IOException {
        JsonNode kustomization = CrdSchemas.YAML.readTree(ProjectFiles.ROOT.resolve("deploy/kustomization.yaml").toFile());
        Set<String> listed = new java.util.TreeSet<>();
        kustomization.path("resources").forEach(r -> listed.add(r.asText()));
        Set<String> files = ProjectFiles.yamlFilesUnder("deploy").stream()
                .map(f -> f.getFileName().toString())
                .filter(f -> !f.equals("kustomization.yaml"))
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        assertEquals(files, listed);
    }

    @Test
    void webhookIsWiredToTheOperatorService() throws IOException {
        List<HasMetadata> objects = objects();
        Namespace namespace = find(objects, Namespace.class);
        assertEquals("privileged", namespace.getMetadata().getLabels().get("pod-security.kubernetes.io/enforce"));
        Service service = find(objects, Service.class);
        Deployment deployment = find(objects, Deployment.class);
        assertEquals(deployment.getSpec().getTemplate().getMetadata().getLabels(), service.getSpec().getSelector());
        ValidatingWebhookConfiguration webhooks = find(objects, ValidatingWebhookConfiguration.class);
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
