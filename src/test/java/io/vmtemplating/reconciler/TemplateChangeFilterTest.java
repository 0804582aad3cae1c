package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.VmTemplateStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which template updates reach its clones: not the clone count, which changes with every clone. */
class TemplateChangeFilterTest {

    @Test
    void cloneCountAloneDoesNotReachClones() {
        assertFalse(VmCloneReconciler.templateChangeMattersToClones(template(1L, TemplatePhase.Ready, "n1", 3),
                template(1L, TemplatePhase.Ready, "n1", 4)));
    }

    @Test
    void phaseNodeSpecAndDeletionReachClones() {
        VmTemplate ready = template(1L, TemplatePhase.Ready, "n1", 3);
        assertTrue(VmCloneReconciler.templateChangeMattersToClones(template(1L, TemplatePhase.Freezing, "n1", 3), ready));
        assertTrue(VmCloneReconciler.templateChangeMattersToClones(template(1L, TemplatePhase.Ready, "n2", 3), ready));
        assertTrue(VmCloneReconciler.templateChangeMattersToClones(template(2L, TemplatePhase.Ready, "n1", 3), ready));
        VmTemplate deleting = template(1L, TemplatePhase.Ready, "n1", 3);
        deleting.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
        assertTrue(VmCloneReconciler.templateChangeMattersToClones(ready, deleting));
        VmTemplate noStatus = template(1L, TemplatePhase.Ready, "n1", 3);
        noStatus.setStatus(null);
        assertTrue(VmCloneReconciler.templateChangeMattersToClones(noStatus, ready));
    }

    private static VmTemplate template(Long generation, TemplatePhase phase, String node, int clones) {
        VmTemplate template = new VmTemplate();
        template.setMetadata(new ObjectMetaBuilder().withName("t").withNamespace("default").withUid("u1")
                .withGeneration(generation).build());
        template.setStatus(new VmTemplateStatus(phase, List.of(), generation, node, null, null, "10.0.2", 1L, 1L, clones, 0));
        return template;
    }
}
