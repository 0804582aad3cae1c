package io.vmtemplating.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mock cluster's one-node scheduler reads the placement the operator writes for templates on several nodes. */
class SelfSchedulerTest {
    private final SelfScheduler scheduler = new SelfScheduler("local-node", null);

    private static Pod pod(Map<String, String> selector, List<String> inNodes) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec().withNodeSelector(selector).endSpec();
        if (!inNodes.isEmpty()) {
            pod.editSpec().withAffinity(new AffinityBuilder().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .withNodeSelectorTerms(inNodes.stream().map(n -> new NodeSelectorTermBuilder().addToMatchFields(
                            new NodeSelectorRequirementBuilder().withKey("metadata.name").withOperator("In").withValues(n).build())
                            .build()).toList())
                    .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build()).endSpec();
        }
        return pod.build();
    }

    @Test
    void aPodFitsWhenOneOfItsNodeTermsNamesThisNode() {
        assertTrue(scheduler.fits(pod(null, List.of())));
        assertTrue(scheduler.fits(pod(null, List.of("node-b", "local-node"))));
        assertFalse(scheduler.fits(pod(null, List.of("node-b", "node-c"))));
    }

    @Test
    void aNodeSelectorMatchesThisNodesLabels() {
        assertTrue(scheduler.fits(pod(Map.of("kubernetes.io/hostname", "local-node", "kubernetes.io/os", "linux"), List.of())));
        assertFalse(scheduler.fits(pod(Map.of("topology.kubernetes.io/zone", "a"), List.of())));
    }
}
