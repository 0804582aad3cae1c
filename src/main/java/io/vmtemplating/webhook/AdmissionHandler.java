package io.vmtemplating.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmClonePool;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.metrics.OperatorMetrics;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * AdmissionReview v1 in, AdmissionReview v1 out, for both kinds. The request is read as a tree rather than
 * through fabric8's AdmissionRequest, whose {@code object} is deserialized polymorphically and would need our
 * kinds registered; the response is fabric8's model. Every failure becomes an answer: a body that is not an
 * AdmissionReview gets HTTP 400 (there is no uid to answer to), anything wrong after that a clean deny.
 */
public final class AdmissionHandler {

    static final int INVALID = 422;
    static final int BAD_REQUEST = 400;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final TemplateLookup templates;
    private final PoolLookup pools;
    private final BootFileDirs bootFileDirs;
    private final OperatorMetrics metrics;
    private final SecretAccess secretAccess;

    public AdmissionHandler(TemplateLookup templates, PoolLookup pools, BootFileDirs bootFileDirs) {
        this(templates, pools, bootFileDirs, OperatorMetrics.none(), SecretAccess.ANYONE);
    }

    /** @param secretAccess whether the requesting user may get the Secret a VmClone's spec.claimData names */
    public AdmissionHandler(TemplateLookup templates, PoolLookup pools, BootFileDirs bootFileDirs, SecretAccess secretAccess) {
        this(templates, pools, bootFileDirs, OperatorMetrics.none(), secretAccess);
    }

    /**
     * @param metrics      counts each answer by decision, and each broken rule of a deny
     * @param secretAccess whether the requesting user may get the Secret a VmClone's spec.claimData names
     */
    public AdmissionHandler(TemplateLookup templates, PoolLookup pools, BootFileDirs bootFileDirs, OperatorMetrics metrics,
            SecretAccess secretAccess) {
        this.templates = templates;
        this.pools = pools;
        this.bootFileDirs = bootFileDirs;
        this.metrics = metrics;
        this.secretAccess = secretAccess;
    }

    public AdmissionReply reviewTemplate(String body) {
        return review(body, "VmTemplate", this::templateViolations);
    }

    public AdmissionReply reviewClone(String body) {
        return review(body, "VmClone", this::cloneViolations);
    }

    public AdmissionReply reviewPool(String body) {
        return review(body, "VmClonePool", this::poolViolations);
    }

    /** The rules of one kind: (operation, object, oldObject, namespace) to violations. */
    @FunctionalInterface
    private interface Rules {
        List<Violation> check(String operation, JsonNode object, JsonNode oldObject, String namespace, JsonNode userInfo);
    }

    private AdmissionReply review(String body, String kind, Rules rules) {
        JsonNode request;
        try {
            JsonNode root = body == null || body.isBlank() ? null : MAPPER.readTree(body);
            request = root == null ? null : root.get("request");
            if (root == null || !"AdmissionReview".equals(root.path("kind").asText())
                    || request == null || !request.path("uid").isTextual()) {
                return plain("expected an AdmissionReview (admission.k8s.io/v1) with request.uid");
            }
        } catch (JsonProcessingException e) {
            return plain("malformed JSON: expected an AdmissionReview (admission.k8s.io/v1)");
        }
        String uid = request.get("uid").asText();
        // the API server's operations only: a label value from the request body must not grow the metric's series
        String operation = switch (request.path("operation").asText()) {
            case "CREATE", "UPDATE", "DELETE", "CONNECT" -> request.path("operation").asText();
            default -> "other";
        };
        try {
            if (!operation.equals("CREATE") && !operation.equals("UPDATE")) {
                metrics.webhookReview(kind, operation, true, List.of());
                return answer(uid, true, 0, null); // only CREATE and UPDATE have rules; DELETE/CONNECT pass
            }
            JsonNode object = request.get("object");
            if (object == null || !object.isObject() || !kind.equals(object.path("kind").asText())) {
                metrics.webhookReview(kind, operation, false, List.of());
                return answer(uid, false, BAD_REQUEST, "request.object: expected a " + kind + ", got "
                        + (object == null || !object.isObject() ? "nothing" : quoteKind(object))
                        + "; this endpoint validates " + kind + "s only");
            }
            String namespace = request.path("namespace").asText(object.path("metadata").path("namespace").asText(""));
            List<Violation> violations = rules.check(operation, object, request.get("oldObject"), namespace, request.get("userInfo"));
            metrics.webhookReview(kind, operation, violations.isEmpty(), violations.stream().map(Violation::fieldPath).toList());
            if (violations.isEmpty()) {
                return answer(uid, true, 0, null);
            }
            return answer(uid, false, INVALID, violations.stream().map(Violation::render).collect(Collectors.joining("\n")));
        } catch (RuntimeException e) {
            metrics.webhookReview(kind, operation, false, List.of());
            // a rule or lookup failing must never surface as a 500 or a stack trace to the API server
            return answer(uid, false, BAD_REQUEST, "the request could not be validated ("
                    + e.getClass().getSimpleName() + "); try again or check the object");
        }
    }

    private List<Violation> templateViolations(String operation, JsonNode object, JsonNode oldObject, String namespace,
            JsonNode userInfo) {
        ResourceReader.Result<VmTemplate> current = ResourceReader.read(object, VmTemplate.class);
        if (current.error() != null) {
            return List.of(current.error());
        }
        if (operation.equals("UPDATE") && oldObject != null && oldObject.isObject()) {
            ResourceReader.Result<VmTemplate> old = ResourceReader.read(oldObject, VmTemplate.class);
            return old.error() != null ? List.of(old.error())
                    : VmTemplateValidator.validateUpdate(old.resource(), current.resource(), bootFileDirs);
        }
        return VmTemplateValidator.validate(current.resource(), bootFileDirs);
    }

    private List<Violation> cloneViolations(String operation, JsonNode object, JsonNode oldObject, String namespace,
            JsonNode userInfo) {
        ResourceReader.Result<VmClone> current = ResourceReader.read(object, VmClone.class);
        if (current.error() != null) {
            return List.of(current.error());
        }
        VmClone clone = current.resource();
        List<Violation> violations = cloneSpecViolations(operation, clone, oldObject, namespace);
        if (violations.isEmpty() && operation.equals("CREATE") && clone.getSpec().claimData() != null
                && clone.getSpec().claimData().secretRef() != null && !namespace.isEmpty()) {
            // the operator would read the Secret on the creator's behalf: only for a creator who may read it too
            String secret = clone.getSpec().claimData().secretRef().name();
            return secretAccess.denied(userInfo, namespace, secret).map(why -> List.of(new Violation("spec.claimData.secretRef.name",
                    why + "; the operator reads it for the clone's guest only when its creator may get it: ask for get on"
                            + " it, or name a Secret you may read"))).orElse(List.of());
        }
        return violations;
    }

    private List<Violation> cloneSpecViolations(String operation, VmClone clone, JsonNode oldObject, String namespace) {
        if (VmCloneValidator.isClaim(clone) && operation.equals("CREATE")) {
            String poolName = clone.getSpec().poolRef().name();
            Optional<VmClonePool> pool = poolName == null || namespace.isEmpty() ? Optional.empty() : pools.find(namespace, poolName);
            // claim data needs the pool's template to declare it; a template not there yet is checked by the reconciler
            Optional<VmTemplate> template = pool.map(VmClonePool::getSpec).map(s -> s.templateRef())
                    .flatMap(ref -> ref.name() == null ? Optional.empty() : templates.find(namespace, ref.name()));
            return VmCloneValidator.validateClaim(clone, pool, template);
        }
        Optional<VmTemplate> template = clone.getSpec() == null || clone.getSpec().templateRef() == null
                || clone.getSpec().templateRef().name() == null || namespace.isEmpty()
                ? Optional.empty()
                : templates.find(namespace, clone.getSpec().templateRef().name());
        if (operation.equals("UPDATE") && oldObject != null && oldObject.isObject()) {
            ResourceReader.Result<VmClone> old = ResourceReader.read(oldObject, VmClone.class);
            return old.error() != null ? List.of(old.error())
                    : VmCloneValidator.validateUpdate(old.resource(), clone, template);
        }
        return VmCloneValidator.validate(clone, template);
    }

    private List<Violation> poolViolations(String operation, JsonNode object, JsonNode oldObject, String namespace,
            JsonNode userInfo) {
        ResourceReader.Result<VmClonePool> current = ResourceReader.read(object, VmClonePool.class);
        if (current.error() != null) {
            return List.of(current.error());
        }
        VmClonePool pool = current.resource();
        Optional<VmTemplate> template = pool.getSpec() == null || pool.getSpec().templateRef() == null
                || pool.getSpec().templateRef().name() == null || namespace.isEmpty()
                ? Optional.empty()
                : templates.find(namespace, pool.getSpec().templateRef().name());
        return VmClonePoolValidator.validate(pool, template);
    }

    private static String quoteKind(JsonNode object) {
        String kind = object.path("kind").asText("");
        return kind.isEmpty() ? "an object without kind" : kind.length() > 64 ? "another kind" : kind;
    }

    private static AdmissionReply plain(String message) {
        return new AdmissionReply(BAD_REQUEST, message, false);
    }

    private static AdmissionReply answer(String uid, boolean allowed, int code, String message) {
        AdmissionResponseBuilder response = new AdmissionResponseBuilder().withUid(uid).withAllowed(allowed);
        if (!allowed) {
            response.withStatus(new StatusBuilder().withCode(code)
                    .withReason(code == INVALID ? "Invalid" : "BadRequest").withMessage(message).build());
        }
        AdmissionReview review = new AdmissionReviewBuilder().withApiVersion("admission.k8s.io/v1")
                .withKind("AdmissionReview").withResponse(response.build()).build();
        try {
            return new AdmissionReply(200, MAPPER.writeValueAsString(review), true);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("fabric8's AdmissionReview always serializes", e);
        }
    }
}
