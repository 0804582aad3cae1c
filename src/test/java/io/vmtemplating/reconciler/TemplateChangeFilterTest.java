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

    @Test
    void aCopyResetOrReadyOnAnotherNodeReachesClones() {
        // copy 1 of two reset (its files vanished): the top level still shows copy 0, unchanged
        VmTemplate both = withCopies(TemplatePhase.Ready, TemplatePhase.Ready);
        VmTemplate oneReset = withCopies(TemplatePhase.Ready, TemplatePhase.Pending);
        assertTrue(VmCloneReconciler.templateChangeMattersToClones(both, oneReset));
        assertTrue(VmCloneReconciler.templateChangeMattersToClones(oneReset, both));
        assertFalse(VmCloneReconciler.templateChangeMattersToClones(both, withCopies(TemplatePhase.Ready, TemplatePhase.Ready)));
    }

    private static VmTemplate withCopies(TemplatePhase copy0, TemplatePhase copy1) {
        VmTemplate template = template(1L, TemplatePhase.Ready, "n1", 3);
        VmTemplateStatus s = template.getStatus();
        template.setStatus(new VmTemplateStatus(s.phase(), s.conditions(), s.observedGeneration(), s.nodeName(), s.podName(),
                s.files(), s.qemuVersion(), s.bootMillis(), s.freezeMillis(), s.clones(), s.failedAttempts(),
                List.of(new io.vmtemplating.api.v1alpha1.types.TemplateCopy(0, "n1", copy0, null, null, null, "10.0.2", 1L, 1L, 0),
                        new io.vmtemplating.api.v1alpha1.types.TemplateCopy(1, "n2", copy1, null, null, null, "10.0.2", 1L, 1L, 0)),
                null));
        return template;
    }

    private static VmTemplate template(Long generation, TemplatePhase phase, String node, int clones) {
        VmTemplate template = new VmTemplate();
        template.setMetadata(new ObjectMetaBuilder().withName("t").withNamespace("default").withUid("u1")
                .withGeneration(generation).build());
        template.setStatus(new VmTemplateStatus(phase, List.of(), generation, node, null, null, "10.0.2", 1L, 1L, clones, 0));
        return template;
    }
}
