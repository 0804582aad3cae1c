package io.vmtemplating.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embedded API server stores only what a real one would: the CRD's schema, CEL rules and strict field validation
 * refuse with the real server's codes and messages, defaults are stored, unknown fields are dropped unless the client
 * asks for strict validation.
 */
class AdmissionDispatcherTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final String TEMPLATE = """
            apiVersion: vmtemplating.io/v1alpha1
            kind: VmTemplate
            metadata: {name: %s}
            spec:
              memory: {size: 512Mi}
              boot: {kernel: {hostPath: {path: /var/lib/vmtemplating/guest/vmlinuz}}}
              freeze: {serialConsolePattern: READY}
            """;

    private static LocalCluster api;
    private static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        api = LocalCluster.apiServerOnly(new WebhookRules());
        client = api.client();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void schemaErrorsAreRefusedWith422AndNothingIsStored() throws Exception {
        ObjectNode tree = template("too-many-cpus");
        tree.withObject("/spec").put("cpus", 65);
        KubernetesClientException refused = assertThrows(KubernetesClientException.class, () -> create(tree));
        assertEquals(422, refused.getCode());
        assertEquals("Invalid", refused.getStatus().getReason());
        assertTrue(refused.getMessage().contains("VmTemplate.vmtemplating.io \"too-many-cpus\" is invalid:"
                + " spec.cpus: Invalid value: 65: spec.cpus in body should be less than or equal to 64"), refused.getMessage());
        assertEquals("spec.cpus", refused.getStatus().getDetails().getCauses().get(0).getField());
        assertNull(stored("too-many-cpus"));
    }

    @Test
    void celRulesRunOnTheDefaultedObject() throws Exception {
        ObjectNode tree = template("no-pattern");
        // no trigger given: the default, SerialConsole, needs the pattern that is missing
        tree.withObject("/spec").putObject("freeze").put("timeoutSeconds", 300);
        KubernetesClientException refused = assertThrows(KubernetesClientException.class, () -> create(tree));
        assertEquals(422, refused.getCode());
        assertTrue(refused.getMessage().contains("spec.freeze: Invalid value: \"object\": freeze.serialConsolePattern is"
                + " required when freeze.trigger is SerialConsole"), refused.getMessage());
    }

    @Test
    void storedObjectsCarryTheSchemaDefaults() throws Exception {
        create(template("defaulted"));
        JsonNode spec = stored("defaulted").path("spec");
        assertEquals(1, spec.path("cpus").asInt());
        assertEquals("q35", spec.path("machine").asText());
        assertEquals("tmpfs", spec.path("memory").path("backend").asText());
        assertEquals("SerialConsole", spec.path("freeze").path("trigger").asText());
        assertEquals(600, spec.path("freeze").path("timeoutSeconds").asInt());
        assertTrue(spec.path("devices").isMissingNode(), "defaults apply only inside objects that are present");
    }

    @Test
    void unknownFieldsFailUnderStrictValidationAndAreDroppedOtherwise() throws Exception {
        ObjectNode typo = template("typo");
        typo.withObject("/spec").put("cpu", 2);
        KubernetesClientException refused = assertThrows(KubernetesClientException.class,
                () -> client.resource(generic(typo)).inNamespace("default").fieldValidation(FieldValidateable.Validation.STRICT).create());
        assertEquals(400, refused.getCode());
        assertTrue(refused.getMessage().contains("strict decoding error: unknown field \"spec.cpu\""), refused.getMessage());
        assertNull(stored("typo"));

        create(typo);
        assertFalse(stored("typo").path("spec").has("cpu"), "pruned, as the server prunes undeclared fields");
    }

    @Test
    void aPatchIsCheckedAsTheWholeObjectItProduces() throws Exception {
        create(template("patched"));
        KubernetesClientException refused = assertThrows(KubernetesClientException.class, () -> client
                .genericKubernetesResources("vmtemplating.io/v1alpha1", "VmTemplate").inNamespace("default")
                .withName("patched").edit(t -> {
                    t.getAdditionalProperties().put("spec", Serialization.unmarshal("{\"cpus\": 0}", java.util.Map.class));
                    return t;
                }));
        assertEquals(422, refused.getCode());
        assertEquals(1, stored("patched").path("spec").path("cpus").asInt());
    }

    @Test
    void anUpdateOfTheResourceKeepsItsStatus() throws Exception {
        create(template("with-status"));
        client.genericKubernetesResources("vmtemplating.io/v1alpha1", "VmTemplate").inNamespace("default")
                .withName("with-status").editStatus(t -> {
                    t.getAdditionalProperties().put("status", java.util.Map.of("phase", "Ready"));
                    return t;
                });
        client.genericKubernetesResources("vmtemplating.io/v1alpha1", "VmTemplate").inNamespace("default")
                .withName("with-status").edit(t -> {
                    t.getMetadata().setLabels(java.util.Map.of("app", "x"));
                    t.getAdditionalProperties().remove("status");
                    return t;
                });
        JsonNode stored = stored("with-status");
        assertEquals("x", stored.path("metadata").path("labels").path("app").asText());
        assertEquals("Ready", stored.path("status").path("phase").asText(), "status is written through /status only");
    }

    @Test
    void aJsonPatchOfTheStatusWrittenAgainstAnOlderReadIsRefusedAndTheStoredObjectStaysReadable() throws Exception {
        create(template("moved-status"));
        var template = client.resources(VmTemplate.class).inNamespace("default").withName("moved-status");
        template.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\": {\"phase\": \"Ready\"}}");
        // written by a client that last read the status with one condition: the stored status has none
        KubernetesClientException refused = assertThrows(KubernetesClientException.class, () -> template.subresource("status")
                .patch(PatchContext.of(PatchType.JSON), "[{\"op\": \"add\", \"path\": \"/status/conditions/1\","
                        + " \"value\": {\"type\": \"Ready\", \"status\": \"True\"}}]"));
        assertEquals(422, refused.getCode());
        assertTrue(refused.getMessage().contains("the JSON patch does not apply to vmtemplates/moved-status as stored"),
                refused.getMessage());
        assertEquals(TemplatePhase.Ready, template.get().getStatus().phase(), "the stored template is read as before");
        assertNull(template.get().getStatus().conditions());

        KubernetesClientException notJson = assertThrows(KubernetesClientException.class, () -> template.subresource("status")
                .patch(PatchContext.of(PatchType.JSON), "add a condition"));
        assertEquals(400, notJson.getCode(), notJson.getMessage());
        assertTrue(notJson.getMessage().contains("the request body is not a JSON Patch: send a JSON list of operations"),
                notJson.getMessage());
        assertEquals(TemplatePhase.Ready, template.get().getStatus().phase());
    }

    @Test
    void aJsonPatchOfTheSpecWhosePathIsMissingIsRefusedAsInvalid() throws Exception {
        create(template("no-devices"));
        KubernetesClientException refused = assertThrows(KubernetesClientException.class, () -> client
                .resources(VmTemplate.class).inNamespace("default").withName("no-devices").patch(PatchContext.of(PatchType.JSON),
                        "[{\"op\": \"replace\", \"path\": \"/spec/devices/balloon/deflateOnOom\", \"value\": true}]"));
        assertEquals(422, refused.getCode());
        assertTrue(refused.getMessage().contains("as stored: Missing field \"devices\" at /spec (replace)"), refused.getMessage());
        assertFalse(stored("no-devices").path("spec").has("devices"));

        // a merge patch sent as a JSON Patch
        KubernetesClientException notAList = assertThrows(KubernetesClientException.class, () -> client
                .resources(VmTemplate.class).inNamespace("default").withName("no-devices").patch(PatchContext.of(PatchType.JSON),
                        "{\"spec\": {\"cpus\": 2}}"));
        assertEquals(400, notAList.getCode(), notAList.getMessage());
        assertTrue(notAList.getMessage().contains("the request body is not a JSON Patch: send a JSON list of operations"),
                notAList.getMessage());
        assertEquals(1, stored("no-devices").path("spec").path("cpus").asInt());
    }

    @Test
    void aJsonPatchOfAnyKindMustApplyToTheStoredObject() throws Exception {
        var settings = client.configMaps().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("settings").endMetadata().addToData("a", "1").build());
        settings.create();
        KubernetesClientException refused = assertThrows(KubernetesClientException.class, () -> settings.patch(
                PatchContext.of(PatchType.JSON), "[{\"op\": \"add\", \"path\": \"/binaryData/b/c\", \"value\": \"x\"}]"));
        assertEquals(422, refused.getCode(), refused.getMessage());
        assertTrue(refused.getMessage().contains("the JSON patch does not apply to configmaps/settings as stored"),
                refused.getMessage());
        assertEquals(java.util.Map.of("a", "1"), settings.get().getData(), "stored and readable as before");
        assertTrue(settings.get().getBinaryData().isEmpty(), "no binaryData made up");
    }

    @Test
    void webhookRulesStillRunAfterTheSchema() throws Exception {
        ObjectNode tree = template("hinting");
        tree.withObject("/spec").putObject("devices").putObject("balloon").put("freePageHinting", true);
        KubernetesClientException refused = assertThrows(KubernetesClientException.class, () -> create(tree));
        assertTrue(refused.getMessage().contains("spec.devices.balloon.freePageHinting: free page hinting cannot discard"),
                refused.getMessage());
        assertNull(stored("hinting"));
    }

    @Test
    void aClaimWithDataOnAPoolWhoseTemplateTakesNoneIsRefusedAsByTheWebhook() throws Exception {
        create(template("no-agent"));
        create((ObjectNode) YAML.readTree("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClonePool
                metadata: {name: no-agent-pool}
                spec: {templateRef: {name: no-agent}, replicas: 0}
                """));
        KubernetesClientException refused = assertThrows(KubernetesClientException.class, () -> create((ObjectNode) YAML.readTree("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClone
                metadata: {name: claim-with-data}
                spec: {poolRef: {name: no-agent-pool}, claimData: {secretRef: {name: creds}}}
                """)));
        assertTrue(refused.getMessage().contains("spec.claimData: VmTemplate no-agent declares no spec.claimData: its guest has"
                + " no guest agent to receive the data; remove spec.claimData or use a template that sets spec.claimData.directory"),
                refused.getMessage());
    }

    private static ObjectNode template(String name) throws Exception {
        return (ObjectNode) YAML.readTree(TEMPLATE.formatted(name));
    }

    private static void create(ObjectNode tree) {
        client.resource(generic(tree)).inNamespace("default").create();
    }

    private static GenericKubernetesResource generic(ObjectNode tree) {
        return Serialization.unmarshal(tree.toString(), GenericKubernetesResource.class);
    }

    private static JsonNode stored(String name) {
        GenericKubernetesResource found = client.genericKubernetesResources("vmtemplating.io/v1alpha1", "VmTemplate")
                .inNamespace("default").withName(name).get();
        return found == null ? null : Serialization.jsonMapper().valueToTree(found);
    }
}
