package io.vmtemplating.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

class VmCloneValidatorTest {

    @Test
    void validClonePassesWithAndWithoutItsTemplate() {
        assertEquals(List.of(), VmCloneValidator.validate(Fixtures.vmClone(), Optional.of(Fixtures.template())));
        assertEquals(List.of(), VmCloneValidator.validate(Fixtures.vmClone(), Optional.empty()));
    }

    @Test
    void ownRules() {
        testError(spec -> spec.remove("templateRef"), "spec.templateRef.name: is required; name a VmTemplate in the same namespace");
        testError(spec -> spec.withObject("/memory").put("size", "0.5Gi"),
                "spec.memory.size: \"0.5Gi\" is not a size in Mi or Gi; write a whole number of Mi or Gi, e.g. 512Mi");
        testError(spec -> spec.withArray("portForwards").addObject().put("podPort", 2222).put("guestPort", 80),
                "spec.portForwards[1].podPort: 2222/tcp is already forwarded by portForwards[0]; use another podPort");
        testError(spec -> spec.withArray("portForwards").addObject().put("podPort", 8080).put("guestPort", 80),
                "spec.portForwards[1].podPort: 8080/tcp is the launcher's own port (status, pause, resume); choose another podPort");
        testError(spec -> spec.withArray("portForwards").addObject().put("podPort", 8080).put("guestPort", 53).put("protocol", "udp"));
        testError(spec -> spec.withArray("portForwards").addObject().put("podPort", 80).put("guestPort", 80),
                "spec.portForwards[1].podPort: must be a port from 1024 to 65535 (the pod listens on it unprivileged);"
                        + " choose one in that range");
    }

    @Test
    void mustFitItsTemplate() {
        testError(spec -> spec.put("cpus", 4), "spec.cpus: 4 does not match VmTemplate busybox (2): device state only"
                + " restores into the same VM; set 2 or remove it");
        testError(spec -> spec.put("machine", "pc"), "spec.machine: pc does not match VmTemplate busybox (q35): device"
                + " state only restores into the same machine; set q35 or remove it");
        testError(spec -> spec.withObject("/memory").put("size", "1Gi"), "spec.memory.size: 1Gi does not match"
                + " VmTemplate busybox (512Mi): the clone maps the template's memory file (QEMU: Size mismatch); set 512Mi or remove it");
        testError(spec -> spec.withObject("/virtioMem").put("requestedSize", "2Gi"), "spec.virtioMem.requestedSize:"
                + " 2Gi is more than VmTemplate busybox's devices.virtioMem.size (1Gi); request at most 1Gi");
        testError(template -> template.withObject("/devices/virtioMem").put("blockSize", "256Mi"), spec -> { },
                "spec.virtioMem.requestedSize: 128Mi is not a multiple of VmTemplate busybox's virtio-mem block size"
                        + " (256Mi); make it a multiple of 256Mi");
        testError(template -> template.withObject("/devices").remove("virtioMem"), spec -> { },
                "spec.virtioMem: VmTemplate busybox has no devices.virtioMem to plug memory into; remove spec.virtioMem"
                        + " or use a template with devices.virtioMem");
        testError(template -> template.withObject("/devices/network").put("mode", "none"), spec -> { },
                "spec.portForwards: VmTemplate busybox has no user-mode network to forward ports into; remove"
                        + " portForwards or use a template with devices.network.mode user");
        testError(template -> template.remove("cpus"), spec -> spec.put("cpus", 2), "spec.cpus: 2 does not match"
                + " VmTemplate busybox (1): device state only restores into the same VM; set 1 or remove it");
    }

    @Test
    void claimDataNeedsATemplateThatDeclaresIt() {
        testError(spec -> spec.putObject("claimData").putObject("secretRef").put("name", "creds"),
                "spec.claimData: VmTemplate busybox declares no spec.claimData: its guest has no guest agent to receive"
                        + " the data; remove spec.claimData or use a template that sets spec.claimData.directory");
        testError(template -> template.putObject("claimData").put("directory", "/run/vmtemplating"),
                spec -> spec.putObject("claimData").putObject("secretRef").put("name", "creds"));
        testError(template -> template.putObject("claimData").put("directory", "/run/vmtemplating"),
                spec -> spec.putObject("claimData").putObject("secretRef").put("name", "../creds"),
                "spec.claimData.secretRef.name: '../creds' is not a Secret name; name a Secret of this namespace"
                        + " (references to other namespaces are not allowed)");
        testError(template -> template.putObject("claimData").put("directory", "/run/vmtemplating"),
                spec -> spec.putObject("claimData").putObject("secretRef"),
                "spec.claimData.secretRef.name: is required; name a Secret of this namespace, or remove spec.claimData");
    }

    @Test
    void aClaimWithDataOnAPoolWhoseTemplateTakesNoneIsRefused() {
        ObjectNode claim = Fixtures.tree(Fixtures.CLONE);
        ObjectNode spec = claim.putObject("spec");
        spec.putObject("poolRef").put("name", "warm");
        spec.putObject("claimData").putObject("secretRef").put("name", "creds");
        io.vmtemplating.api.v1alpha1.VmClonePool pool = new io.vmtemplating.api.v1alpha1.VmClonePool();
        assertEquals(List.of("spec.claimData: VmTemplate busybox declares no spec.claimData: its guest has no guest agent to"
                        + " receive the data; remove spec.claimData or use a template that sets spec.claimData.directory"),
                VmTemplateValidatorTest.render(VmCloneValidator.validateClaim(Fixtures.vmClone(claim), Optional.of(pool),
                        Optional.of(Fixtures.template()))));
        // the pool's template not known yet: only the reference's shape; the reconciler checks again
        assertEquals(List.of(), VmCloneValidator.validateClaim(Fixtures.vmClone(claim), Optional.of(pool), Optional.empty()));
    }

    @Test
    void claimDataIsImmutable() {
        ObjectNode with = Fixtures.tree(Fixtures.CLONE);
        with.withObject("/spec").putObject("claimData").putObject("secretRef").put("name", "creds");
        assertEquals(List.of("spec.claimData: claimData is immutable: it is delivered once, when the clone starts"),
                VmTemplateValidatorTest.render(VmCloneValidator.validateUpdate(Fixtures.vmClone(), Fixtures.vmClone(with), Optional.empty())));
    }

    @Test
    void missingTemplateLeavesOnlyOwnRules() {
        ObjectNode tree = Fixtures.tree(Fixtures.CLONE);
        tree.withObject("/spec").put("cpus", 4).put("machine", "pc");
        assertEquals(List.of(), VmCloneValidator.validate(Fixtures.vmClone(tree), Optional.empty()));
    }

    @Test
    void templateRefIsImmutable() {
        ObjectNode renamed = Fixtures.tree(Fixtures.CLONE);
        renamed.withObject("/spec/templateRef").put("name", "other");
        assertEquals(List.of("spec.templateRef: templateRef is immutable: create a new VmClone instead"),
                VmTemplateValidatorTest.render(VmCloneValidator.validateUpdate(Fixtures.vmClone(), Fixtures.vmClone(renamed), Optional.empty())));
        ObjectNode paused = Fixtures.tree(Fixtures.CLONE);
        paused.withObject("/spec").put("running", false);
        assertEquals(List.of(), VmCloneValidator.validateUpdate(Fixtures.vmClone(), Fixtures.vmClone(paused), Optional.of(Fixtures.template())));
    }

    private static void testError(Consumer<ObjectNode> editSpec, String... expected) {
        testError(template -> { }, editSpec, expected);
    }

    private static void testError(Consumer<ObjectNode> editTemplateSpec, Consumer<ObjectNode> editSpec, String... expected) {
        ObjectNode template = Fixtures.tree(Fixtures.TEMPLATE);
        editTemplateSpec.accept((ObjectNode) template.get("spec"));
        ObjectNode clone = Fixtures.tree(Fixtures.CLONE);
        editSpec.accept((ObjectNode) clone.get("spec"));
        VmClone parsed = Fixtures.vmClone(clone);
        VmTemplate parsedTemplate = Fixtures.template(template);
        assertEquals(List.of(expected), VmTemplateValidatorTest.render(VmCloneValidator.validate(parsed, Optional.of(parsedTemplate))),
                clone.toString());
    }
}
