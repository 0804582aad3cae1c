package io.vmtemplating.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.cli.Vmt;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** `vmt demo --kubeconfig`: the demo on a real cluster (its operator, its node), cleaned up after. */
@Tag("qemu")
class DemoOnClusterE2EIT {

    @Test
    void theDemoRunsOnTheClusterAndDeletesWhatItCreated() {
        String ns = RealCluster.namespace("demo");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Vmt.run(new String[] {"demo", "--kubeconfig", RealCluster.kubeconfig().toString(), "-n", ns},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, printed + err.toString(StandardCharsets.UTF_8));
        assertTrue(printed.matches("(?s).*\\| template demo \\(512 MiB guest\\) \\| boot [0-9.]+ s, freeze \\d+ ms .*"), printed);
        for (String clone : new String[] {"demo-1", "demo-2", "demo-3"}) {
            assertTrue(printed.matches("(?s).*\\| clone " + clone + " \\| restore \\d+ ms \\| \\d+ \\| \\d+ \\| \\d+ \\|.*"), printed);
        }
        assertTrue(RealCluster.client().resources(VmClone.class).inNamespace(ns).list().getItems().isEmpty());
        assertTrue(RealCluster.client().resources(VmTemplate.class).inNamespace(ns).list().getItems().isEmpty());
    }
}
