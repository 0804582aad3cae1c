package io.vmtemplating.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embedded API server's storage with the validating webhook in front of it: creates, updates and patches of
 * VmTemplates and VmClones (not their status) are checked like admission would, and a denied object is not
 * stored; the client gets the same kind of error a real API server returns for a webhook deny.
 */
final class AdmissionDispatcher extends KubernetesCrudDispatcher {
    private static final Pattern OBJECT_PATH = Pattern.compile(
            "^/apis/vmtemplating\\.io/v1alpha1/namespaces/([^/]+)/(vmtemplates|vmclones)(?:/([^/?]+))?(/status)?(?:\\?.*)?$");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Class<? extends HasMetadata>> KINDS =
            Map.of("vmtemplates", VmTemplate.class, "vmclones", VmClone.class);

    private final AdmissionCheck check;

    AdmissionDispatcher(AdmissionCheck check) {
        this.check = check;
    }

    @Override
    public MockResponse handleCreate(RecordedRequest request) {
        return admit(request, false).orElseGet(() -> super.handleCreate(request));
    }

    @Override
    public MockResponse handleUpdate(RecordedRequest request) {
        return admit(request, true).orElseGet(() -> super.handleUpdate(request));
    }

    @Override
    public MockResponse handlePatch(RecordedRequest request) {
        return admit(request, true).orElseGet(() -> super.handlePatch(request));
    }

    /** A deny response, or empty to store the object. */
    private Optional<MockResponse> admit(RecordedRequest request, boolean update) {
        Matcher path = OBJECT_PATH.matcher(request.getPath());
        if (!path.matches() || path.group(4) != null) {
            return Optional.empty(); // other kinds, and status written by the operator
        }
        String namespace = path.group(1);
        Class<? extends HasMetadata> type = KINDS.get(path.group(2));
        try {
            Optional<HasMetadata> old = update ? stored(path.group(2), namespace, path.group(3)) : Optional.empty();
            // getBytes() leaves the body in place for the storage behind us (reading it would consume it)
            JsonNode body = JSON.readTree(request.getBody().getBytes());
            JsonNode next = "PATCH".equals(request.getMethod()) && old.isPresent()
                    ? applyPatch(JSON.valueToTree(old.get()), body, request.getHeader("Content-Type"))
                    : body;
            HasMetadata object = JSON.treeToValue(next, type);
            if (object.getMetadata() != null && object.getMetadata().getNamespace() == null) {
                object.getMetadata().setNamespace(namespace);
            }
            List<String> violations = check.violations(object, old, this::lookup);
            return violations.isEmpty() ? Optional.empty() : Optional.of(deny(type, object, violations));
        } catch (Exception e) {
            return Optional.of(deny(type, null, List.of("cannot read the object: " + e.getMessage())));
        }
    }

    private Optional<HasMetadata> lookup(String kind, String namespace, String name) {
        String plural = kind.equals("VmTemplate") ? "vmtemplates" : "vmclones";
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
        String webhook = type == VmTemplate.class ? "vmtemplates.vmtemplating.io" : "vmclones.vmtemplating.io";
        String message = "admission webhook \"" + webhook + "\" denied the request:" + name + "\n" + String.join("\n", violations);
        return new MockResponse().setResponseCode(400).setBody(Serialization.asJson(new StatusBuilder()
                .withStatus("Failure").withReason("BadRequest").withCode(400).withMessage(message).build()));
    }
}
