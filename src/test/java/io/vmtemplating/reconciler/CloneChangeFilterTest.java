package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.vmtemplating.api.v1alpha1.ClonePhase;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmCloneStatus;
import io.vmtemplating.api.v1alpha1.types.CloneMemoryFigures;
import io.vmtemplating.api.v1alpha1.types.Condition;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which clone updates reach its template: not a clone's own phase, pod or memory, which change all the time. */
class CloneChangeFilterTest {
    private static final Condition TEMPLATE_READY = new Condition(Conditions.TEMPLATE_READY, Conditions.TRUE,
            Conditions.REASON_FROZEN, "the template is Ready", "2026-01-01T00:00:00Z", 1L);
    private static final Condition FILES_MISSING = new Condition(Conditions.TEMPLATE_READY, Conditions.FALSE,
            Conditions.REASON_TEMPLATE_FILES_MISSING, "missing on node-a", "2026-01-01T00:01:00Z", 1L);

    @Test
    void aClonesOwnPhaseAndMemoryDoNotReachItsTemplate() {
        VmClone restoring = clone(1L, ClonePhase.Restoring, TEMPLATE_READY, null);
        VmClone running = clone(1L, ClonePhase.Running, TEMPLATE_READY, new CloneMemoryFigures(60L, 40L, 30L, 25L, 2L, 28L, 40L, "t1"));
        VmClone runningLater = clone(1L, ClonePhase.Running, TEMPLATE_READY, new CloneMemoryFigures(61L, 41L, 31L, 25L, 2L, 29L, 41L, "t2"));
        assertFalse(VmTemplateReconciler.cloneChangeMattersToTemplate(restoring, running));
        assertFalse(VmTemplateReconciler.cloneChangeMattersToTemplate(running, runningLater));
    }

    @Test
    void filesMissingSpecAndDeletionReachIt() {
        VmClone running = clone(1L, ClonePhase.Running, TEMPLATE_READY, null);
        assertTrue(VmTemplateReconciler.cloneChangeMattersToTemplate(running, clone(1L, ClonePhase.Pending, FILES_MISSING, null)));
        assertTrue(VmTemplateReconciler.cloneChangeMattersToTemplate(running, clone(2L, ClonePhase.Running, TEMPLATE_READY, null)));
        VmClone deleting = clone(1L, ClonePhase.Running, TEMPLATE_READY, null);
        deleting.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
        assertTrue(VmTemplateReconciler.cloneChangeMattersToTemplate(running, deleting));
    }

    private static VmClone clone(Long generation, ClonePhase phase, Condition templateReady, CloneMemoryFigures memory) {
        VmClone clone = new VmClone();
        clone.setMetadata(new ObjectMetaBuilder().withName("c").withNamespace("default").withGeneration(generation).build());
        clone.setStatus(new VmCloneStatus(phase, List.of(templateReady), generation, "node-a", "c-vm", "u1", 180L, memory, null, null));
        return clone;
    }
}
