package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pods LauncherPods builds: what runs, as whom, with which node files (docs/security.md). */
class LauncherPodsTest {
    private static final String NS = "vms";
    private static final SamplePods.Set PODS = SamplePods.build(OperatorSettings.DEFAULTS, NS);

    @Test
    void everyPodRunsTheOperatorsLauncherImage() {
        for (Pod pod : PODS.all()) {
            assertEquals(List.of(OperatorSettings.DEFAULTS.launcherImage()), images(pod), pod.getMetadata().getName());
        }
    }

    private static List<String> images(Pod pod) {
        return pod.getSpec().getContainers().stream().map(c -> c.getImage()).toList();
    }
}
