package io.vmtemplating.launcher;

import io.vmtemplating.api.v1alpha1.VmTemplateSpec;
import io.vmtemplating.qemu.MemoryBackends;
import io.vmtemplating.qemu.NodePaths;
import io.vmtemplating.qemu.TemplateMetadata;
import io.vmtemplating.webhook.BootFileDirs;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The launcher's start paths without a VM, for recording an AppCDS archive of the classes they load
 * ({@code -XX:ArchiveClassesAtExit}, see the vmt script). A template build whose kernel does not exist (QEMU is
 * exec'd and exits at once), then a clone of a template whose files are placeholders: it gets past the
 * missing-files check, starts QEMU, tells the clone keeper (a file here) to serve, and fails in the template check at the VM
 * shape. Both fail by design; only the classes they load matter, and the clone's path up to QEMU's exec is the one
 * every clone start pays for.
 */
public final class StartPathTraining {
    private StartPathTraining() {
    }

    /**
     * A template spec with what every launcher start touches (boot files, the SerialConsole trigger). Built in, not
     * read from samples/: the launcher image has none, and reading YAML would put the Kubernetes client's classes
     * into the launcher's archive.
     */
    static final String SPEC = "{\"memory\":{\"size\":\"64Mi\"},\"boot\":{\"kernel\":{\"hostPath\":{\"path\":\"/var/lib/vmtemplating/guest/vmlinuz\"}},"
            + "\"initrd\":{\"hostPath\":{\"path\":\"/var/lib/vmtemplating/guest/initrd.gz\"}},\"cmdline\":\"console=ttyS0\"},"
            + "\"freeze\":{\"trigger\":\"SerialConsole\",\"serialConsolePattern\":\"READY\",\"timeoutSeconds\":5}}";

    /** {@code vmt launcher-training}: in a scratch directory it removes again. */
    public static int run() throws IOException {
        Path dir = Files.createTempDirectory("vmt-launcher-training");
        try {
            run(SPEC, dir);
            return 0;
        } finally {
            Cleanup.deleteRecursively(dir);
        }
    }

    /** @param dir an empty scratch directory */
    static void run(String templateSpecJson, Path dir) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put(PodContract.ENV_TEMPLATE_SPEC, templateSpecJson);
        env.put(PodContract.ENV_CLONE_SPEC, "{\"templateRef\":{\"name\":\"training\"}}");
        env.put(PodContract.ENV_POD_IP, "127.0.0.1");
        env.put(LauncherContext.ENV_ACCEL, "tcg");
        String pathMap = String.join(":", PodContract.MEMORY_DIR + "=" + dir.resolve("memory"),
                PodContract.STATE_DIR + "=" + dir.resolve("state"), PodContract.RUN_DIR + "=" + dir.resolve("run"),
                PodContract.BOOT_DIR + "=" + dir.resolve("boot"), PodContract.TERMINATION_MESSAGE_PATH + "=" + dir.resolve("termination-log"));
        env.put(PodPaths.ENV_PATH_MAP, pathMap);
        // the keeper's pipe stands here as a file: the clone path writes its serve message as in a pod
        env.put(KeeperChannel.ENV_CHANNEL, dir.resolve("keeper-channel").toString());
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        Launcher.run(new String[] {PodContract.MODE_TEMPLATE}, env, quiet, quiet);

        PodPaths paths = PodPaths.parse(pathMap);
        NodePaths node = paths.nodePaths();
        Files.createDirectories(node.memoryDir());
        Files.createDirectories(node.stateDir());
        VmTemplateSpec spec = SpecJson.parse(PodContract.ENV_TEMPLATE_SPEC, templateSpecJson, VmTemplateSpec.class);
        // memory files of the right sizes (sparse: nothing is written) so that the check gets as far as the VM shape
        List<TemplateMetadata.MemoryFile> memoryFiles = new ArrayList<>();
        for (MemoryBackends.Backend backend : MemoryBackends.of(VmDefinitionRenderer.render(spec, paths, BootFileDirs.DEFAULT))) {
            long bytes = backend.sizeMiB() * 1024 * 1024;
            try (RandomAccessFile file = new RandomAccessFile(node.memoryFile(backend.id()).toFile(), "rw")) {
                file.setLength(bytes);
            }
            memoryFiles.add(new TemplateMetadata.MemoryFile(backend.id(), bytes));
        }
        Files.deleteIfExists(node.stateFile());
        Files.createFile(node.stateFile());
        new TemplateMetadata("0.0.0", "training", "", List.of(), memoryFiles, List.of(), 0, 0, 0, "").write(node.metadataFile());
        Launcher.run(new String[] {PodContract.MODE_CLONE}, env, quiet, quiet);
    }
}
