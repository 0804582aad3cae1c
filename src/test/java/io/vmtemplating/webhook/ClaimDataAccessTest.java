package io.vmtemplating.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A VmClone naming a Secret (spec.claimData) is admitted only when its creator may get that Secret: the operator
 * reads it for the guest, so creating a VmClone must not be a way to read Secrets one's own RBAC hides.
 */
class ClaimDataAccessTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Asked(String user, String namespace, String secret) {
    }

    private static String review(ObjectNode clone) {
        ObjectNode review = (ObjectNode) readTree(AdmissionReviews.review("CREATE", clone, null));
        ((ObjectNode) review.get("request")).putObject("userInfo").put("username", "alice").put("uid", "u-alice")
                .putArray("groups").add("team-a").add("system:authenticated");
        return review.toString();
    }

    private static JsonNode readTree(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode cloneNaming(String secret) {
        ObjectNode clone = Fixtures.tree(Fixtures.CLONE);
        clone.withObject("/spec").putObject("claimData").putObject("secretRef").put("name", secret);
        return clone;
    }

    private static AdmissionHandler handler(List<Asked> asked, boolean allow) {
        ObjectNode template = Fixtures.tree(Fixtures.TEMPLATE);
        template.withObject("/spec").putObject("claimData").put("directory", "/run/vmtemplating");
        return new AdmissionHandler((ns, name) -> Optional.of(Fixtures.template(template)), PoolLookup.NONE, BootFileDirs.DEFAULT,
                (userInfo, namespace, secret) -> {
                    asked.add(new Asked(userInfo.path("username").asText(), namespace, secret));
                    return allow ? Optional.empty() : Optional.of("alice may not get Secret " + secret + " in namespace " + namespace);
                });
    }

    @Test
    void aCreatorWhoMayNotReadTheSecretIsRefusedWithTheField() {
        List<Asked> asked = new ArrayList<>();
        JsonNode answer = readTree(handler(asked, false).reviewClone(review(cloneNaming("db-root"))).body());
        assertEquals(false, answer.path("response").path("allowed").asBoolean());
        assertEquals("spec.claimData.secretRef.name: alice may not get Secret db-root in namespace default; the operator reads it"
                + " for the clone's guest only when its creator may get it: ask for get on it, or name a Secret you may read",
                answer.path("response").path("status").path("message").asText());
        assertEquals(List.of(new Asked("alice", "default", "db-root")), asked);
    }

    @Test
    void aCreatorWhoMayReadItIsAdmittedAndNoOneIsAskedWithoutClaimData() {
        List<Asked> asked = new ArrayList<>();
        assertTrue(readTree(handler(asked, true).reviewClone(review(cloneNaming("app"))).body()).path("response").path("allowed").asBoolean());
        assertEquals(1, asked.size());
        assertTrue(readTree(handler(asked, false).reviewClone(review(Fixtures.tree(Fixtures.CLONE))).body())
                .path("response").path("allowed").asBoolean());
        assertEquals(1, asked.size(), "a VmClone without spec.claimData costs no SubjectAccessReview");
    }
}
