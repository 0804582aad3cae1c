package io.vmtemplating.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmClonePool;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** VmClonePool and claims (VmClones naming a pool): each rule with its exact message. */
class PoolRulesTest {
    private static final VmClonePool POOL = Fixtures.pool(Fixtures.tree(Fixtures.POOL));

    @Test
    void aValidPoolAndClaimPass() {
        assertEquals(List.of(), VmClonePoolValidator.validate(POOL, Optional.of(Fixtures.template())));
        assertEquals(List.of(), VmClonePoolValidator.validate(POOL, Optional.empty()));
        assertEquals(List.of(), VmCloneValidator.validateClaim(claim(spec -> { }), Optional.of(POOL)));
    }

    @Test
    void poolRules() {
        poolError(spec -> spec.put("replicas", 101), "spec.replicas: 101 is out of range; set 0 to 100");
        poolError(spec -> spec.withObject("/memory").put("size", "512Mi"),
                "spec.memory.size: a pool's members have their template's memory size; remove it");
        poolError(spec -> spec.withArray("portForwards").addObject().put("podPort", 8080).put("guestPort", 80),
                "spec.portForwards[1].podPort: 8080/tcp is the launcher's own port (status, pause, resume); choose another podPort");
        poolError(spec -> spec.remove("templateRef"), "spec.templateRef.name: is required; name a VmTemplate in the same namespace");
    }

    @Test
    void aPoolsSettingsMustFitItsTemplateAsAClonesWould() {
        ObjectNode template = Fixtures.tree(Fixtures.TEMPLATE);
        ((ObjectNode) template.get("spec")).withObject("/devices").remove("network");
        assertEquals(List.of("spec.portForwards: VmTemplate busybox has no user-mode network to forward ports into; remove"
                        + " portForwards or use a template with devices.network.mode user"),
                VmTemplateValidatorTest.render(VmClonePoolValidator.validate(POOL, Optional.of(Fixtures.template(template)))));
    }

    @Test
    void aClaimNamesAnExistingPoolAndNothingElse() {
        assertEquals(List.of("spec.poolRef.name: VmClonePool warm does not exist in namespace default; create the pool first,"
                + " or name one of this namespace"), render(VmCloneValidator.validateClaim(claim(spec -> { }), Optional.empty())));
        claimError(spec -> spec.putObject("templateRef").put("name", "busybox"),
                "spec.templateRef: set exactly one of templateRef (restore from a template) or poolRef (claim a warm member of a"
                        + " pool); a claim restores from its pool's template");
        claimError(spec -> spec.withArray("portForwards").addObject().put("podPort", 2222).put("guestPort", 22),
                "spec.portForwards: a claim gets its pool's settings; set it on the VmClonePool, or remove it here");
        claimError(spec -> spec.put("cpus", 2).putObject("memory").put("expectedPrivate", "64Mi"),
                "spec.cpus: a claim gets its pool's settings; set it on the VmClonePool, or remove it here",
                "spec.memory: a claim gets its pool's settings; set it on the VmClonePool, or remove it here");
        claimError(spec -> spec.withObject("/poolRef").put("name", "Other_NS/warm"),
                "spec.poolRef.name: 'Other_NS/warm' is not a VmClonePool name; name a VmClonePool of this namespace"
                        + " (references to other namespaces are not allowed)");
        claimError(spec -> spec.putObject("nodeSelector").put("zone", "a"),
                "spec.nodeSelector: a claim gets a warm member wherever it was restored; remove it here (the VmClonePool's"
                        + " members go to the nodes with a Ready copy of its template)");
        // running is the claim's own: it may start paused
        assertEquals(List.of(), VmCloneValidator.validateClaim(claim(spec -> spec.put("running", false)), Optional.of(POOL)));
    }

    @Test
    void poolRefIsImmutable() {
        VmClone before = claim(spec -> { });
        VmClone after = claim(spec -> spec.withObject("/poolRef").put("name", "other"));
        assertEquals(List.of("spec.poolRef: poolRef is immutable: create a new VmClone instead"),
                render(VmCloneValidator.validateUpdate(before, after, Optional.empty())));
    }

    private static VmClone claim(Consumer<ObjectNode> editSpec) {
        ObjectNode claim = Fixtures.tree(Fixtures.CLAIM);
        editSpec.accept((ObjectNode) claim.get("spec"));
        return Fixtures.vmClone(claim);
    }

    private static void claimError(Consumer<ObjectNode> editSpec, String... expected) {
        assertEquals(List.of(expected), render(VmCloneValidator.validateClaim(claim(editSpec), Optional.of(POOL))));
    }

    private static void poolError(Consumer<ObjectNode> editSpec, String... expected) {
        ObjectNode pool = Fixtures.tree(Fixtures.POOL);
        editSpec.accept((ObjectNode) pool.get("spec"));
        assertEquals(List.of(expected), render(VmClonePoolValidator.validate(Fixtures.pool(pool), Optional.of(Fixtures.template()))));
    }

    private static List<String> render(List<Violation> violations) {
        return VmTemplateValidatorTest.render(violations);
    }
}
