package io.vmtemplating.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * deploy/clusterrole.yaml and role.yaml (the leader election Lease) from facts: every (group/resource[/subresource],
 * verb) the operator's ServiceAccount used in this end-to-end run, read from the API server's audit log, is granted,
 * and nothing else is. Runs after the
 * other end-to-end classes (failsafe orders classes by {@link Order}), so their calls are in the log.
 */
@Tag("qemu")
@Order(Integer.MAX_VALUE)
class RbacFromAuditLogE2EIT {
    static final String OPERATOR = "system:serviceaccount:vmtemplating-system:vmtemplating-operator";

    /**
     * Grants no request uses but an admission plugin checks: OwnerReferencesPermissionEnforcement (on in
     * hack/cluster/up.sh, as on OpenShift) lets a pod name its owner with blockOwnerDeletion only when its creator may
     * update the owner's finalizers. Nothing is logged for that check, so it is listed here, with its reason.
     */
    static final Map<String, String> CHECKED_BY_ADMISSION = Map.of(
            "vmtemplating.io/vmtemplates/finalizers update", "blockOwnerDeletion on build and cleanup pods",
            "vmtemplating.io/vmclones/finalizers update", "blockOwnerDeletion on clone pods",
            "vmtemplating.io/vmclonepools/finalizers update", "blockOwnerDeletion on pool members",
            // not admission: JOSDK's LeaderElectionManager asks whether it may (a SelfSubjectRulesReview) before it
            // starts; fabric8's LeaseLock then renews with patch
            "coordination.k8s.io/leases update", "checked by JOSDK before leader election starts");

    /** Calls every authenticated user may make (system:basic-user): no role of ours grants them. */
    static final Map<String, String> ALLOWED_TO_EVERY_USER = Map.of(
            "authorization.k8s.io/selfsubjectrulesreviews create", "JOSDK's check of the Lease permissions");

    /**
     * Grants used only when an informer cache trails the API server, which a run may or may not hit: a read of a pod
     * the operator has just created or adopted (before calling it lost), and the webhook's read of a pool applied
     * together with its claims; and the Events of a pod slow to start.
     */
    static final Map<String, String> USED_WHEN_A_CACHE_TRAILS = Map.of(
            "/pods get", "a clone's pod not yet in the cache after the operator's own write",
            "vmtemplating.io/vmclonepools get", "a claim reviewed before the webhook's pool cache has its pool",
            // not a cache: a launcher pod whose container is still being created after 3 s (a mount that fails on a
            // real kubelet; on the local node a slow start under load), when its Events are read
            "/events list", "a launcher pod ContainerCreating for more than 3 s");

    /**
     * Grants used only by a feature no end-to-end class exercises yet: the webhook's SubjectAccessReview for a VmClone
     * that names a Secret in spec.claimData (docs/pools.md; ClaimDataAccessTest and AdmissionResourceTest cover it
     * without a real API server).
     */
    static final Map<String, String> USED_BY_CLAIM_DATA_ONLY = Map.of(
            "authorization.k8s.io/subjectaccessreviews create", "the webhook asks whether a clone's creator may get its claim-data Secret");

    @Test
    void theClusterRoleGrantsExactlyWhatTheOperatorUsed() throws IOException {
        RealCluster.client(); // the cluster (and its audit log) of this run
        Set<String> used = usedBy(OPERATOR, RealCluster.auditLog());
        assertFalse(used.isEmpty(), "the audit log has no request of " + OPERATOR + ": did the operator run?");
        Set<String> granted = granted(Path.of("deploy/clusterrole.yaml"));
        granted.addAll(granted(Path.of("deploy/role.yaml")));

        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(granted);
        missing.removeAll(ALLOWED_TO_EVERY_USER.keySet());
        Set<String> unused = new TreeSet<>(granted);
        unused.removeAll(used);
        unused.removeAll(CHECKED_BY_ADMISSION.keySet());
        unused.removeAll(USED_WHEN_A_CACHE_TRAILS.keySet());
        unused.removeAll(USED_BY_CLAIM_DATA_ONLY.keySet());
        assertEquals(Set.of(), missing, "used by the operator but not granted in deploy/clusterrole.yaml or role.yaml");
        assertEquals(Set.of(), unused, "granted in deploy/clusterrole.yaml or role.yaml but used by no request of this run; "
                + "every call the operator made: " + used);
    }

    /** "group/resource[/subresource] verb" of every request USER made (responses 403 included: they show a gap). */
    static Set<String> usedBy(String user, Path auditLog) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Set<String> used = new TreeSet<>();
        try (Stream<String> lines = Files.lines(auditLog)) {
            for (String line : (Iterable<String>) lines::iterator) {
                JsonNode event = json.readTree(line);
                JsonNode ref = event.path("objectRef");
                if (!user.equals(event.path("user").path("username").asText()) || ref.isMissingNode()) {
                    continue;
                }
                used.add(permission(ref.path("apiGroup").asText(""), ref.path("resource").asText(),
                        ref.path("subresource").asText(""), event.path("verb").asText()));
            }
        }
        return used;
    }

    /** The same form for every (apiGroup, resource, verb) the rules of a ClusterRole or Role expand to. */
    static Set<String> granted(Path roleFile) throws IOException {
        List<PolicyRule> rules;
        try (InputStream in = Files.newInputStream(roleFile)) {
            String yaml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            rules = yaml.contains("kind: ClusterRole") ? Serialization.unmarshal(yaml, ClusterRole.class).getRules()
                    : Serialization.unmarshal(yaml, io.fabric8.kubernetes.api.model.rbac.Role.class).getRules();
        }
        Set<String> granted = new TreeSet<>();
        for (PolicyRule rule : rules) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    String[] parts = resource.split("/", 2);
                    for (String verb : rule.getVerbs()) {
                        granted.add(permission(group, parts[0], parts.length > 1 ? parts[1] : "", verb));
                    }
                }
            }
        }
        return granted;
    }

    static String permission(String group, String resource, String subresource, String verb) {
        return group + "/" + resource + (subresource.isEmpty() ? "" : "/" + subresource) + " " + verb;
    }
}
