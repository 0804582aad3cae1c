package io.vmtemplating.reconciler;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** When a clone's launcher is asked for its /status: at once for a restoring clone, later for a warm claim. */
class LauncherReportsTest {
    private final AtomicInteger asked = new AtomicInteger();
    private final LauncherClient launcher = new LauncherClient(new LauncherTokens(null)) {
        @Override
        public Optional<JsonNode> status(Pod pod) {
            asked.incrementAndGet();
            return Optional.empty();
        }
    };
    private final Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("uid-1").endMetadata().build();

    @Test
    void aPollAsksAtOnceByDefault() {
        LauncherReports reports = new LauncherReports(launcher, 1);
        try {
            reports.poll(new ResourceID("c", "ns"), pod, Duration.ofMinutes(1));
            await().atMost(Duration.ofSeconds(5)).until(() -> asked.get() == 1);
        } finally {
            reports.stop();
        }
    }

    @Test
    void theFirstQuestionCanWait() throws Exception {
        LauncherReports reports = new LauncherReports(launcher, 1);
        try {
            reports.poll(new ResourceID("c", "ns"), pod, Duration.ofMinutes(1), Duration.ofSeconds(2));
            Thread.sleep(300);
            assertEquals(0, asked.get(), "not asked before its first question is due");
            await().atMost(Duration.ofSeconds(10)).until(() -> asked.get() == 1);
        } finally {
            reports.stop();
        }
    }
}
