package io.vmtemplating.cli;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.launcher.Launcher;
import io.vmtemplating.launcher.PodContract;
import io.vmtemplating.launcher.PodPaths;
import io.vmtemplating.local.LocalCluster;
import io.vmtemplating.local.LocalSession;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code vmt launcher-training}: the launcher's start path without a VM, for the vmt script to record an AppCDS
 * archive of the classes it loads (-XX:ArchiveClassesAtExit). A template build of the demo spec whose kernel
 * does not exist (QEMU is exec'd and exits at once), then a clone whose template files are missing. Both fail
 * by design; only the classes they load matter.
 */
final class LauncherTraining {
    private LauncherTraining() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        VmTemplate template = (VmTemplate) LocalSession.read(List.of(LocalSession.home().resolve("samples/demo/template.yaml"))).get(0);
        Path dir = Files.createTempDirectory("vmt-launcher-training");
        try {
            Map<String, String> env = new HashMap<>();
            env.put(PodContract.ENV_TEMPLATE_SPEC, Serialization.asJson(template.getSpec()));
            env.put(PodContract.ENV_CLONE_SPEC, "{\"templateRef\":{\"name\":\"demo\"}}");
            env.put(PodContract.ENV_POD_IP, "127.0.0.1");
            env.put("VMT_ACCEL", "tcg");
            env.put(PodPaths.ENV_PATH_MAP, String.join(":", PodContract.MEMORY_DIR + "=" + dir.resolve("memory"),
                    PodContract.STATE_DIR + "=" + dir.resolve("state"), PodContract.RUN_DIR + "=" + dir.resolve("run"),
                    PodContract.BOOT_DIR + "=" + dir.resolve("boot"),
                    PodContract.TERMINATION_MESSAGE_PATH + "=" + dir.resolve("termination-log"),
                    "/var/lib/vmtemplating/guest=" + dir.resolve("guest")));
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            Launcher.run(new String[] {PodContract.MODE_TEMPLATE}, env, quiet, quiet);
            Launcher.run(new String[] {PodContract.MODE_CLONE}, env, quiet, quiet);
            return 0;
        } finally {
            LocalCluster.deleteTree(dir);
        }
    }
}
