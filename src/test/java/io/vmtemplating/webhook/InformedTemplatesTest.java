package io.vmtemplating.webhook;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.local.LocalCluster;
import io.vmtemplating.local.WebhookRules;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The webhook's template cache against an API server (fabric8's mock in CRUD mode, as in local mode). */
class InformedTemplatesTest {

    @Test
    void answersFromTheWatchAndFallsBackToTheApiServerOnAMiss() throws Exception {
        try (LocalCluster api = LocalCluster.apiServerOnly(new WebhookRules());
                InformedTemplates templates = InformedTemplates.start(api.client())) {
            ObjectNode tree = Fixtures.tree(Fixtures.TEMPLATE);
            tree.withObject("/metadata").put("name", "cached");
            api.client().resource(Fixtures.template(tree)).inNamespace("default").create();

            // reviewed at once after the create, the template may not be in the cache yet: still found
            assertEquals("cached", templates.find("default", "cached").orElseThrow().getMetadata().getName());
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                long hits = templates.cacheHits();
                Optional<VmTemplate> found = templates.find("default", "cached");
                return found.isPresent() && templates.cacheHits() == hits + 1;
            });

            long reads = templates.apiReads();
            assertTrue(templates.find("default", "never-applied").isEmpty());
            assertTrue(templates.find("other-namespace", "cached").isEmpty(), "namespaced: a template serves its own namespace");
            assertEquals(reads + 2, templates.apiReads(), "a miss asks the API server");

            api.client().resources(VmTemplate.class).inNamespace("default").withName("cached").delete();
            await().atMost(Duration.ofSeconds(10)).until(() -> templates.find("default", "cached").isEmpty());
        }
    }
}
