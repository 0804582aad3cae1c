package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.vmtemplating.api.v1alpha1.types.PlacementSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node relabelled out of a template's placement, read as the kube-scheduler reads the selector and affinity. */
class NodePlacementTest {

    private static Node node(String name, Map<String, String> labels) {
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
    }

    private static Affinity required(String key, String operator, String... values) {
        return new AffinityBuilder().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withNodeSelectorTerms(new NodeSelectorTermBuilder().withMatchExpressions(new NodeSelectorRequirementBuilder()
                        .withKey(key).withOperator(operator).withValues(values).build()).build())
                .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build();
    }

    @Test
    void aNodeWithoutTheSelectorsLabelLeavesThePlacement() {
        PlacementSpec placement = new PlacementSpec(Map.of("pool", "vm"), null, null, 2);
        assertTrue(NodePlacement.matches(placement, node("n1", Map.of("pool", "vm", "zone", "a"))));
        assertFalse(NodePlacement.matches(placement, node("n1", Map.of("pool", "batch"))));
        assertFalse(NodePlacement.matches(placement, node("n1", Map.of())));
    }

    @Test
    void noPlacementMatchesEveryNode() {
        assertTrue(NodePlacement.matches(null, node("n1", Map.of())));
        assertTrue(NodePlacement.matches(new PlacementSpec(null, null, null, 3), node("n1", Map.of())));
    }

    @Test
    void requiredAffinityOperatorsAsTheSchedulerReadsThem() {
        Node n = node("n1", Map.of("zone", "a", "cores", "8"));
        assertTrue(NodePlacement.matches(new PlacementSpec(null, null, required("zone", "In", "a", "b"), 2), n));
        assertFalse(NodePlacement.matches(new PlacementSpec(null, null, required("zone", "NotIn", "a"), 2), n));
        assertTrue(NodePlacement.matches(new PlacementSpec(null, null, required("gpu", "DoesNotExist"), 2), n));
        assertFalse(NodePlacement.matches(new PlacementSpec(null, null, required("gpu", "Exists"), 2), n));
        assertTrue(NodePlacement.matches(new PlacementSpec(null, null, required("cores", "Gt", "4"), 2), n));
        assertFalse(NodePlacement.matches(new PlacementSpec(null, null, required("cores", "Lt", "4"), 2), n));
        assertFalse(NodePlacement.matches(new PlacementSpec(null, null, required("zone", "Gt", "4"), 2), n), "not a number");
    }

    @Test
    void termsAreOredAndANodeNameFieldCounts() {
        Affinity twoTerms = new AffinityBuilder().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withNodeSelectorTerms(
                        new NodeSelectorTermBuilder().withMatchExpressions(new NodeSelectorRequirementBuilder()
                                .withKey("zone").withOperator("In").withValues("z").build()).build(),
                        new NodeSelectorTermBuilder().withMatchFields(new NodeSelectorRequirementBuilder()
                                .withKey("metadata.name").withOperator("In").withValues("n1").build()).build())
                .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build();
        assertTrue(NodePlacement.matches(new PlacementSpec(null, null, twoTerms, 2), node("n1", Map.of("zone", "a"))));
        assertFalse(NodePlacement.matches(new PlacementSpec(null, null, twoTerms, 2), node("n2", Map.of("zone", "a"))));
        assertFalse(NodePlacement.matches(new PlacementSpec(null, null, new AffinityBuilder().withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution().withNodeSelectorTerms(List.of())
                .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build(), 2), node("n1", Map.of())));
    }
}
