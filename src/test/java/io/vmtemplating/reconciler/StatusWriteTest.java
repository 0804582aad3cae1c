package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.VmTemplateStatus;
import io.vmtemplating.api.v1alpha1.types.Condition;
import io.vmtemplating.local.LocalCluster;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When a status write shows that the spec moved on while the reconcile ran (JOSDK 5.3.2 drops that event), and the
 * status as written where the API server has no server-side apply.
 */
class StatusWriteTest {

    @Test
    void aWriteShowingANewerGenerationAsksForAnotherReconcile() {
        // a `kubectl scale` committed between our read (generation 1) and our status write
        assertTrue(StatusWrite.specMovedOn(1L, 2L));
    }

    @Test
    void aWriteOfTheGenerationReadNeedsNothingMore() {
        assertFalse(StatusWrite.specMovedOn(3L, 3L));
    }

    @Test
    void anObjectWithoutGenerationsNeverLoops() {
        assertFalse(StatusWrite.specMovedOn(null, 2L));
        assertFalse(StatusWrite.specMovedOn(2L, null));
    }

    @Test
    void theStatusWrittenIsTheOneBuiltWhateverTheStoredStatusWas() throws Exception {
        try (LocalCluster api = LocalCluster.apiServerOnly((object, old, lookup) -> List.of())) {
            KubernetesClient client = api.client();
            var template = client.resource(MockObjects.template(client, "moved"));
            VmTemplate built = withStatus("moved", TemplatePhase.Ready, List.of(condition("Ready"), condition("CopiesReady")));

            // no status stored yet, then one with more conditions than the one built, then one with none
            write(client, built);
            assertEquals(built.getStatus(), template.get().getStatus());
            write(client, withStatus("moved", TemplatePhase.Booting, List.of(condition("A"), condition("B"), condition("C"))));
            write(client, built);
            assertEquals(built.getStatus(), template.get().getStatus());
            write(client, withStatus("moved", TemplatePhase.Booting, null));
            write(client, built);
            assertEquals(built.getStatus(), template.get().getStatus());
        }
    }

    private static void write(KubernetesClient client, VmTemplate built) {
        client.resources(VmTemplate.class).inNamespace("default").withName("moved").subresource("status")
                .patch(PatchContext.of(PatchType.JSON), StatusWrite.wholeStatus(built));
    }

    private static VmTemplate withStatus(String name, TemplatePhase phase, List<Condition> conditions) {
        VmTemplate template = new VmTemplate();
        template.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace("default").build());
        template.setStatus(new VmTemplateStatus(phase, conditions, 1L, null, null, null, null, null, null, null, null));
        return template;
    }

    private static Condition condition(String type) {
        return new Condition(type, "True", "Because", "as built", "2026-12-01T07:00:00Z", 1L);
    }
}
