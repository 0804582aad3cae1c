package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmTemplateStatus;
import io.vmtemplating.api.v1alpha1.types.Condition;
import io.vmtemplating.api.v1alpha1.types.TemplateCopy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A template frozen by an operator from before copies keeps its node for its clones and its cleanup. */
class StatusCopiesTest {
    private static final Condition READY = new Condition(Conditions.READY, Conditions.TRUE, Conditions.REASON_FROZEN,
            "frozen", "2026-11-30T10:00:00Z", 1L);

    @Test
    void aStatusWithoutCopiesIsCopyZeroOnItsNode() {
        VmTemplateStatus old = new VmTemplateStatus(TemplatePhase.Ready, List.of(READY), 1L, "node-a", "t-build-1", null,
                "10.0.2", 6100L, 14L, 2, 0);
        assertEquals(List.of(new TemplateCopy(0, "node-a", TemplatePhase.Ready, Conditions.REASON_FROZEN, "frozen",
                "t-build-1", "10.0.2", 6100L, 14L, 0)), TemplateCopies.of(old));
        assertEquals(List.of("node-a"), TemplateCopies.readyNodes(old));
        assertEquals(List.of("node-a"), TemplateCopies.nodes(old));
    }

    @Test
    void aDeletingTemplatesCopyIsReadyAsItsConditionSays() {
        VmTemplateStatus deleting = new VmTemplateStatus(TemplatePhase.Deleting, List.of(READY), 1L, "node-a", null, null,
                null, null, null, 1, 0);
        assertEquals(TemplatePhase.Ready, TemplateCopies.of(deleting).get(0).phase());
        assertEquals(List.of(), TemplateCopies.of(null));
        assertEquals(List.of(), TemplateCopies.nodes(new VmTemplateStatus(null, null, null, null, null, null, null, null, null,
                null, null)));
    }

    @Test
    void copiesThatAreNotReadyHoldFilesButTakeNoClones() {
        VmTemplateStatus two = new VmTemplateStatus(TemplatePhase.Ready, List.of(READY), 1L, "node-a", null, null, null, null,
                null, 0, 0, List.of(new TemplateCopy(0, "node-a", TemplatePhase.Ready, null, null, null, null, null, null, 0),
                        new TemplateCopy(1, "node-b", TemplatePhase.Booting, null, null, null, null, null, null, 0),
                        new TemplateCopy(2, null, TemplatePhase.Pending, null, null, null, null, null, null, 0)), 1);
        assertEquals(List.of("node-a"), TemplateCopies.readyNodes(two));
        assertEquals(List.of("node-a", "node-b"), TemplateCopies.nodes(two));
    }
}
