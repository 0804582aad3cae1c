package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.vmtemplating.api.v1alpha1.ClonePhase;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmCloneStatus;
import io.vmtemplating.api.v1alpha1.types.Condition;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloneStatusBuilderTest {

    /** Seen on three nodes: a clone failed for its lost node, its pod then removed, read "waiting for the template". */
    @Test
    void aFinishedCloneKeepsWhyItEndedWhenNothingNewHappened() {
        VmClone clone = new VmClone();
        clone.setMetadata(new ObjectMetaBuilder().withName("c").withNamespace("default").withGeneration(1L).build());
        Condition ready = new Condition(Conditions.READY, Conditions.FALSE, Conditions.REASON_NODE_LOST,
                "node n3 is gone from the cluster", "2026-11-30T18:23:12Z", 1L);
        clone.setStatus(new VmCloneStatus(ClonePhase.Failed, List.of(ready), 1L, "n3", "c-vm", "uid", 900L, null, null, null));

        VmCloneStatus next = new CloneStatusBuilder(clone, Clock.systemUTC()).build();

        Condition after = next.conditions().stream().filter(c -> Conditions.READY.equals(c.type())).findFirst().orElseThrow();
        assertEquals(ready, after);
        assertEquals(ClonePhase.Failed, next.phase());
    }
}
