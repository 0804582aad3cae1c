package io.vmtemplating.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.ValidatableResponse;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

/** AdmissionReview round trips over HTTP against the fabric8 mock API server. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class AdmissionResourceTest {


    @Inject
    KubernetesClient client;

    @Test
    void validTemplateIsAllowed() {
        post("/validate/vmtemplates", AdmissionReviews.review("CREATE", Fixtures.tree(Fixtures.TEMPLATE), null))
                .statusCode(200)
                .body("apiVersion", equalTo("admission.k8s.io/v1"))
                .body("kind", equalTo("AdmissionReview"))
                .body("response.uid", equalTo("uid-1"))
                .body("response.allowed", equalTo(true));
    }

    @Test
    void invalidTemplateIsDeniedWithEveryViolation() {
        ObjectNode template = Fixtures.tree(Fixtures.TEMPLATE);
        template.withObject("/spec/devices/balloon").put("freePageReporting", true);
        template.withObject("/spec/qemu").putArray("extraArgs").add("-mem-path").add("/dev/hugepages");
        post("/validate/vmtemplates", AdmissionReviews.review("CREATE", template, null))
                .statusCode(200)
                .body("response.allowed", equalTo(false))
                .body("response.status.code", equalTo(422))
                .body("response.status.message", equalTo(
                        "spec.devices.balloon.freePageReporting: free page reporting cannot discard file-backed template memory; set it to false\n"
                                + "spec.qemu.extraArgs[0]: -mem-path would move guest RAM out of the template file (QEMU: '-mem-path'"
                                + " can't be used together with '-machine memory-backend'); remove it and use spec.memory"));
    }

    @Test
    void templateUpdateMayNotChangeTheSpec() {
        ObjectNode changed = Fixtures.tree(Fixtures.TEMPLATE);
        changed.withObject("/spec").put("cpus", 4);
        post("/validate/vmtemplates", AdmissionReviews.review("UPDATE", changed, Fixtures.tree(Fixtures.TEMPLATE)))
                .body("response.allowed", equalTo(false))
                .body("response.status.message", equalTo("spec.cpus: " + VmTemplateValidator.IMMUTABLE));
        ObjectNode labelled = Fixtures.tree(Fixtures.TEMPLATE);
        labelled.withObject("/metadata").putObject("labels").put("a", "b");
        post("/validate/vmtemplates", AdmissionReviews.review("UPDATE", labelled, Fixtures.tree(Fixtures.TEMPLATE)))
                .body("response.allowed", equalTo(true));
    }

    @Test
    void cloneIsComparedWithItsExistingTemplate() {
        ObjectNode template = Fixtures.tree(Fixtures.TEMPLATE);
        template.withObject("/metadata").put("name", "existing");
        client.resource(Fixtures.template(template)).inNamespace("default").createOr(existing -> existing.update());
        ObjectNode clone = Fixtures.tree(Fixtures.CLONE);
        clone.withObject("/spec/templateRef").put("name", "existing");
        post("/validate/vmclones", AdmissionReviews.review("CREATE", clone, null)).body("response.allowed", equalTo(true));
        clone.withObject("/spec").put("cpus", 8);
        clone.withObject("/spec/memory").put("size", "1Gi");
        post("/validate/vmclones", AdmissionReviews.review("CREATE", clone, null))
                .body("response.allowed", equalTo(false))
                .body("response.status.message", equalTo(
                        "spec.cpus: 8 does not match VmTemplate existing (2): device state only restores into the same VM; set 2 or remove it\n"
                                + "spec.memory.size: 1Gi does not match VmTemplate existing (512Mi): the clone maps the template's"
                                + " memory file (QEMU: Size mismatch); set 512Mi or remove it"));
    }

    @Test
    void cloneWithMissingTemplateIsAllowed() {
        ObjectNode clone = Fixtures.tree(Fixtures.CLONE);
        clone.withObject("/spec/templateRef").put("name", "not-yet-applied");
        clone.withObject("/spec").put("cpus", 8);
        post("/validate/vmclones", AdmissionReviews.review("CREATE", clone, null)).body("response.allowed", equalTo(true));
    }

    @Test
    void cloneTemplateRefIsImmutable() {
        ObjectNode renamed = Fixtures.tree(Fixtures.CLONE);
        renamed.withObject("/spec/templateRef").put("name", "other");
        post("/validate/vmclones", AdmissionReviews.review("UPDATE", renamed, Fixtures.tree(Fixtures.CLONE)))
                .body("response.allowed", equalTo(false))
                .body("response.status.message", equalTo("spec.templateRef: " + VmCloneValidator.TEMPLATE_REF_IMMUTABLE));
    }

    @Test
    void wrongKindIsACleanDeny() {
        post("/validate/vmtemplates", AdmissionReviews.review("CREATE", Fixtures.tree(Fixtures.CLONE), null))
                .statusCode(200)
                .body("response.allowed", equalTo(false))
                .body("response.status.code", equalTo(400))
                .body("response.status.message", equalTo("request.object: expected a VmTemplate, got VmClone;"
                        + " this endpoint validates VmTemplates only"));
        ObjectNode pod = Fixtures.tree("{apiVersion: v1, kind: Pod, metadata: {name: p}}");
        post("/validate/vmclones", AdmissionReviews.review("CREATE", pod, null)).body("response.allowed", equalTo(false));
    }

    @Test
    void unreadableFieldsAreACleanDeny() {
        ObjectNode template = Fixtures.tree(Fixtures.TEMPLATE);
        template.withObject("/spec/memory").put("backend", "zfs");
        template.withObject("/spec").put("memroy", "x");
        post("/validate/vmtemplates", AdmissionReviews.review("CREATE", template, null))
                .body("response.allowed", equalTo(false))
                .body("response.status.message", allOf(containsString("spec."), not(containsString("Exception"))));
        ObjectNode cpus = Fixtures.tree(Fixtures.TEMPLATE);
        cpus.withObject("/spec").putArray("cpus").add(1);
        post("/validate/vmtemplates", AdmissionReviews.review("CREATE", cpus, null))
                .body("response.allowed", equalTo(false))
                .body("response.status.message", equalTo("spec.cpus: has the wrong type; see kubectl explain for this field"));
    }

    @Test
    void garbageIsA4xxNeverA500() {
        String valid = AdmissionReviews.review("CREATE", Fixtures.tree(Fixtures.TEMPLATE), null);
        for (String path : new String[] {"/validate/vmtemplates", "/validate/vmclones"}) {
            for (String body : new String[] {"", "   ", "{", "null", "[]", "42", "\"text\"", "{\"kind\":\"AdmissionReview\"}",
                    "{\"kind\":\"AdmissionReview\",\"request\":{\"uid\":7}}", "\u0000\u0001binary", "<xml/>",
                    valid.substring(0, valid.length() / 2), valid.replace("AdmissionReview", "ConfigMap")}) {
                given().contentType("application/json").body(body).post(path).then()
                        .statusCode(allOf(org.hamcrest.Matchers.greaterThanOrEqualTo(400), lessThan(500)))
                        .body(not(containsString("Exception")));
            }
        }
        given().contentType("text/plain").body("hello").post("/validate/vmtemplates").then().statusCode(400);
        given().get("/validate/vmtemplates").then().statusCode(405);
    }

    @Test
    void structurallyOddRequestsAreCleanDenies() {
        String[] bodies = {
                "{\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"operation\":\"CREATE\"}}",
                "{\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"operation\":\"CREATE\",\"object\":[1,2]}}",
                "{\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"operation\":\"CREATE\",\"object\":{\"kind\":\"VmTemplate\",\"spec\":7}}}",
                "{\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"operation\":\"UPDATE\",\"object\":{\"kind\":\"VmTemplate\"},\"oldObject\":\"x\"}}"};
        for (String body : bodies) {
            given().contentType("application/json").body(body).post("/validate/vmtemplates").then()
                    .statusCode(200).body("response.uid", equalTo("u")).body("response.allowed", equalTo(false))
                    .body(not(containsString("Exception")));
        }
        given().contentType("application/json")
                .body("{\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"operation\":\"DELETE\"}}")
                .post("/validate/vmclones").then().statusCode(200).body("response.allowed", equalTo(true));
    }

    @Test
    void claimDataIsCheckedWithASubjectAccessReviewThatFailsClosed() {
        // the mock API server cannot answer a SubjectAccessReview (422): no answer, no claim data
        ObjectNode clone = Fixtures.tree(Fixtures.CLONE);
        clone.withObject("/spec").put("templateRef", (String) null);
        clone.withObject("/spec").putObject("templateRef").put("name", "not-there-yet");
        clone.withObject("/spec").putObject("claimData").putObject("secretRef").put("name", "db-root");
        ObjectNode review = (ObjectNode) io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                AdmissionReviews.review("CREATE", clone, null), com.fasterxml.jackson.databind.JsonNode.class);
        ((ObjectNode) review.get("request")).putObject("userInfo").put("username", "mallory");
        post("/validate/vmclones", review.toString())
                .statusCode(200)
                .body("response.allowed", equalTo(false))
                .body("response.status.message", equalTo("spec.claimData.secretRef.name: whether mallory may get Secret db-root"
                        + " could not be checked (422); the operator reads it for the clone's guest only when its creator may get it:"
                        + " ask for get on it, or name a Secret you may read"));
    }

    private static ValidatableResponse post(String path, String body) {
        return given().contentType("application/json").body(body).post(path).then();
    }
}
