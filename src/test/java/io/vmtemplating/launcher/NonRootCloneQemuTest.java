package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Clone pods run as the image's user 1001, not root (reconciler.LauncherSecurity): QEMU must then restore from files a
 * root template pod wrote into directories as a kubelet makes them (root, 0755). Here for real: a template built by a
 * root launcher, a clone launcher started as uid/gid 1001 with no capability (setpriv), with a run directory as an
 * emptyDir is (0777) and boot files readable by all, as clone pods need them.
 */
@Tag("qemu")
class NonRootCloneQemuTest {
    private static final String CLONE_USER = "1001";
    private static Path root;
    private static LauncherProcess template;
    private static int templateExit;

    @BeforeAll
    static void buildTemplateAsRoot() throws Exception {
        root = Files.createTempDirectory(Path.of("/dev/shm"), "vmt-nonroot-test-");
        for (Path dir : List.of(root, Files.createDirectories(root.resolve("memory")), Files.createDirectories(root.resolve("state")),
                Files.createDirectories(root.resolve("boot")))) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        // the test guest lives under root's home (0700): copies readable by all, as a clone's boot files must be
        Files.copy(TestGuest.dir().resolve("vmlinuz-cloud"), root.resolve("boot/vmlinuz-cloud"));
        Files.copy(TestGuest.dir().resolve("initrd.gz"), root.resolve("boot/initrd.gz"));
        template = LauncherProcess.start("template", env(), paths("run-template"), root.resolve("template"));
        templateExit = template.waitForExit(Duration.ofMinutes(4));
    }

    @AfterAll
    static void removeFiles() {
        if (root != null) {
            Cleanup.deleteRecursively(root);
        }
    }

    @Test
    void aCloneRunningAsUid1001RestoresFromARootBuiltTemplate() throws Exception {
        assertEquals(0, templateExit, "template build failed: " + template.stderr());
        Path run = Files.createDirectories(root.resolve("run-clone"));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path out = Files.createDirectories(root.resolve("clone"));
        // the kubelet makes the termination-message file writable for non-root containers
        Files.setPosixFilePermissions(Files.createFile(out.resolve("termination-log")), PosixFilePermissions.fromString("rw-rw-rw-"));
        try (LauncherProcess clone = LauncherProcess.start(asCloneUser(), "clone", env(), paths("run-clone"), out)) {
            clone.awaitReady(Duration.ofSeconds(90));
            JsonNode status = Json.MAPPER.readTree(clone.get("/status").body());
            assertEquals("running", status.path("state").asText(), status.toString());
            Object qemuUid = Files.getAttribute(Path.of("/proc/" + clone.qemu().orElseThrow().pid()), "unix:uid");
            assertEquals(Integer.parseInt(CLONE_USER), qemuUid, "QEMU runs as the clone's user");
            clone.process.destroy(); // SIGTERM
            assertEquals(0, clone.waitForExit(Duration.ofSeconds(30)), clone.stderr());
        }
    }

    private static Map<String, String> env() {
        return Map.of("VMT_TEMPLATE_SPEC", TestGuest.templateSpec(), "VMT_CLONE_SPEC", "{\"templateRef\":{\"name\":\"t\"}}",
                "VMT_ACCEL", "tcg", "VMT_TEMPLATE_UID", "0f3c1d2e-1111-2222-3333-444455556666");
    }

    private static String paths(String runDir) {
        return "/vmt/memory=" + root.resolve("memory") + ":/vmt/state=" + root.resolve("state") + ":/vmt/run=" + root.resolve(runDir)
                + ":/vmt/boot/kernel=" + root.resolve("boot") + ":/vmt/boot/initrd=" + root.resolve("boot");
    }

    /**
     * The clone keeper and the launcher's JVM as uid/gid 1001 without any capability; the keeper, its jars and class directories copied where that user
     * can read them (the checkout may sit below a directory only root may enter: mktemp -d makes them 0700).
     */
    private static List<String> asCloneUser() throws Exception {
        List<String> entrypoint = new ArrayList<>(LauncherJvm.entrypoint());
        int cp = entrypoint.indexOf("-cp") + 1;
        List<String> readable = new ArrayList<>();
        Path jars = Files.createDirectories(root.resolve("jars"));
        Files.setPosixFilePermissions(jars, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String entry : entrypoint.get(cp).split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                Path copy = jars.resolve(Path.of(entry).getFileName());
                Files.copy(Path.of(entry), copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                readable.add(copy.toString());
            } else {
                Path copy = jars.resolve("classes-" + readable.size());
                copyReadable(Path.of(entry), copy);
                readable.add(copy.toString());
            }
        }
        entrypoint.set(cp, String.join(File.pathSeparator, readable));
        Path keeper = jars.resolve("vmt-clone-keeper");
        Files.copy(LauncherJvm.keeper(), keeper);
        Files.setPosixFilePermissions(keeper, PosixFilePermissions.fromString("rwxr-xr-x"));
        entrypoint.set(0, keeper.toString());
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + CLONE_USER, "--regid=" + CLONE_USER,
                "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"));
        command.addAll(entrypoint);
        return command;
    }

    private static void copyReadable(Path from, Path to) throws java.io.IOException {
        try (var paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(source, target);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }
}
