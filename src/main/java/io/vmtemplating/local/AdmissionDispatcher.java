package io.vmtemplating.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmClonePool;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.crd.CrdCatalog;
import io.vmtemplating.crd.CustomResourceCreate;
import io.vmtemplating.crd.Verdict;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embedded API server's storage with the real API server's create and update handling in front of it, for
 * VmTemplates and VmClones (not their status, which only the operator writes): the CRD's own checks first
 * ({@link CustomResourceCreate}: unknown fields, an error under fieldValidation=Strict and dropped otherwise;
 * schema defaults; metadata, OpenAPI schema and CEL rules, refused with 422 Invalid), then the validating
 * webhook's rules on the defaulted object (refused like a webhook deny). What passes is stored as the real server
 * stores it: pruned and defaulted. Nothing a real server would refuse is stored.
 *
 * <p>An update is checked as a create of the object it produces; the server's update-only rules (the
 * {@code self == oldSelf} CEL rules, ratcheting of unchanged invalid fields) are the webhook's validateUpdate
 * here, which enforces the same immutability, and nothing stored here predates today's rules.
 *
 * <p>A JSON Patch, of any kind, must first apply to the object as stored ({@link JsonPatchCheck}). What
 * {@link #admit} reads is what the storage then changes: fabric8's mock server dispatches every request on its one
 * event loop thread.
 */
final class AdmissionDispatcher extends KubernetesCrudDispatcher {
    private static final Pattern OBJECT_PATH = Pattern.compile(
            "^/apis/vmtemplating\\.io/v1alpha1/namespaces/([^/]+)/(vmtemplates|vmclones|vmclonepools)(?:/([^/?]+))?(/status)?(?:\\?(.*))?$");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Class<? extends HasMetadata>> KINDS =
            Map.of("vmtemplates", VmTemplate.class, "vmclones", VmClone.class, "vmclonepools", VmClonePool.class);

    private final AdmissionCheck check;
    private final CustomResourceCreate server;

    AdmissionDispatcher(AdmissionCheck check) {
        this(check, new CustomResourceCreate(CrdCatalog.fromClassPath()));
    }

    AdmissionDispatcher(AdmissionCheck check, CustomResourceCreate server) {
        this.check = check;
        this.server = server;
    }

    /** The request to hand to storage with the warnings for the client, or the refusal. */
    private record Admission(RecordedRequest request, List<String> warnings, MockResponse refusal) {
    }

    @Override
    public MockResponse handleCreate(RecordedRequest request) {
        Admission admission = admit(request, false);
        return admission.refusal() != null ? admission.refusal() : warn(super.handleCreate(admission.request()), admission);
    }

    @Override
    public MockResponse handleUpdate(RecordedRequest request) {
        Admission admission = admit(request, true);
        return admission.refusal() != null ? admission.refusal() : warn(super.handleUpdate(admission.request()), admission);
    }

    @Override
    public MockResponse handlePatch(RecordedRequest request) {
        Optional<MockResponse> doesNotApply = JsonPatchCheck.refusal(request, this::handleGet);
        if (doesNotApply.isPresent()) {
            return doesNotApply.get();
        }
        Admission admission = admit(request, true);
        return admission.refusal() != null ? admission.refusal() : warn(super.handlePatch(admission.request()), admission);
    }

    /** Dropped unknown fields are reported as the server does: a Warning header each (fabric8 logs them). */
    private static MockResponse warn(MockResponse response, Admission admission) {
        admission.warnings().forEach(w -> response.addHeader("Warning", "299 - \"" + w.replace("\"", "\\\"") + "\""));
        return response;
    }

    private Admission admit(RecordedRequest request, boolean update) {
        Matcher path = OBJECT_PATH.matcher(request.getPath());
        if (!path.matches() || path.group(4) != null) {
            return new Admission(request, List.of(), null); // other kinds, and status written by the operator
        }
        String namespace = path.group(1);
        Class<? extends HasMetadata> type = KINDS.get(path.group(2));
        try {
            Optional<HasMetadata> old = update ? stored(path.group(2), namespace, path.group(3)) : Optional.empty();
            // getBytes() leaves the body in place for the storage behind us (reading it would consume it)
            JsonNode body = JSON.readTree(request.getBody().getBytes());
            boolean patch = "PATCH".equals(request.getMethod());
            if (update && old.isEmpty()) {
                return new Admission(request, List.of(), null); // nothing to update: the storage answers 404
            }
            JsonNode next = patch && old.isPresent()
                    ? applyPatch(JSON.valueToTree(old.get()), body, request.getHeader("Content-Type"))
                    : body;
            if (!(next instanceof ObjectNode object)) {
                return refuse(Statuses.badRequest("the request body is not a JSON object"));
            }
            JsonNode bodyNamespace = object.path("metadata").path("namespace");
            if (bodyNamespace.isTextual() && !bodyNamespace.asText().isEmpty() && !bodyNamespace.asText().equals(namespace)) {
                return refuse(Statuses.badRequest("the namespace of the provided object does not match the namespace sent on the request"));
            }
            if (object.path("metadata").isObject() && !bodyNamespace.isTextual()) {
                ((ObjectNode) object.get("metadata")).put("namespace", namespace);
            }
            Verdict verdict = server.check(object, fieldValidation(path.group(5)), true);
            if (!(verdict instanceof Verdict.Admitted admitted)) {
                return refuse(Statuses.of(verdict));
            }
            HasMetadata typed = JSON.treeToValue(admitted.object(), type);
            List<String> violations = check.violations(typed, old, this::lookup);
            if (!violations.isEmpty()) {
                return refuse(deny(type, typed, violations));
            }
            ObjectNode toStore = admitted.object();
            if (old.isPresent()) {
                // PrepareForUpdate: the main resource cannot change status; the stored one stays
                JsonNode oldStatus = JSON.valueToTree(old.get()).get("status");
                if (oldStatus != null && !oldStatus.isNull()) {
                    toStore.set("status", oldStatus);
                }
            }
            return new Admission(storable(request, toStore, patch ? old.map(JSON::valueToTree) : Optional.empty()),
                    admitted.warnings(), null);
        } catch (Exception e) {
            return refuse(deny(type, null, List.of("cannot read the object: " + e.getMessage())));
        }
    }

    private static Admission refuse(MockResponse response) {
        return new Admission(null, List.of(), response);
    }

    /** ?fieldValidation=Strict|Warn|Ignore; the server's default is Warn (drop unknown fields, say so). */
    private static CustomResourceCreate.FieldValidation fieldValidation(String query) {
        if (query != null) {
            for (String parameter : query.split("&")) {
                if (parameter.equalsIgnoreCase("fieldValidation=Strict")) {
                    return CustomResourceCreate.FieldValidation.STRICT;
                }
                if (parameter.equalsIgnoreCase("fieldValidation=Ignore")) {
                    return CustomResourceCreate.FieldValidation.IGNORE;
                }
            }
        }
        return CustomResourceCreate.FieldValidation.WARN;
    }

    /**
     * The request with the object as the server would store it (pruned, defaulted). A patch becomes the JSON Patch
     * from the stored object to that result, so the storage's own patch handling keeps working.
     */
    private static RecordedRequest storable(RecordedRequest request, ObjectNode object, Optional<JsonNode> old) throws Exception {
        byte[] body;
        Headers headers = request.getHeaders();
        if (old.isPresent()) {
            body = JSON.writeValueAsBytes(io.fabric8.zjsonpatch.JsonDiff.asJson(old.get(), object));
            headers = headers.newBuilder().set("Content-Type", "application/json-patch+json").build();
        } else {
            body = JSON.writeValueAsBytes(object);
        }
        return new RecordedRequest(request.getRequestLine(), request.method(), request.getPath(), headers, new Buffer(body));
    }

    private Optional<HasMetadata> lookup(String kind, String namespace, String name) {
        String plural = kind.equals("VmTemplate") ? "vmtemplates" : kind.equals("VmClonePool") ? "vmclonepools" : "vmclones";
        return stored(plural, namespace, name);
    }

    private Optional<HasMetadata> stored(String plural, String namespace, String name) {
        if (name == null) {
            return Optional.empty();
        }
        MockResponse response = handleGet("/apis/vmtemplating.io/v1alpha1/namespaces/" + namespace + "/" + plural + "/" + name);
        if (response.getStatus() == null || !response.getStatus().contains(" 200")) {
            return Optional.empty();
        }
        return Optional.of(Serialization.unmarshal(response.getBody().readUtf8(), KINDS.get(plural)));
    }

    /** JSON Patch (list of operations) is rare for these kinds; merge patches are what kubectl and clients send. */
    private static JsonNode applyPatch(JsonNode target, JsonNode patch, String contentType) {
        if (patch.isArray() || (contentType != null && contentType.contains("json-patch"))) {
            return io.fabric8.zjsonpatch.JsonPatch.apply(patch, target);
        }
        return mergePatch(target, patch);
    }

    /** RFC 7386: objects merge recursively, null removes, anything else replaces. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : JSON.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> fields = patch.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isNull()) {
                result.remove(field.getKey());
            } else {
                result.set(field.getKey(), mergePatch(result.get(field.getKey()), field.getValue()));
            }
        }
        return result;
    }

    private static MockResponse deny(Class<? extends HasMetadata> type, HasMetadata object, List<String> violations) {
        String name = object == null || object.getMetadata() == null ? "" : " " + object.getMetadata().getName();
        String webhook = type == VmTemplate.class ? "vmtemplates.vmtemplating.io"
                : type == VmClonePool.class ? "vmclonepools.vmtemplating.io" : "vmclones.vmtemplating.io";
        String message = "admission webhook \"" + webhook + "\" denied the request:" + name + "\n" + String.join("\n", violations);
        return new MockResponse().setResponseCode(400).setBody(Serialization.asJson(new StatusBuilder()
                .withStatus("Failure").withReason("BadRequest").withCode(400).withMessage(message).build()));
    }
}
