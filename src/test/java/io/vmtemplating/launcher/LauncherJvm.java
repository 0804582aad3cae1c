package io.vmtemplating.launcher;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How tests start a launcher JVM: as the vmt script does, on our classes and Jackson only (the script's
 * {@code launcher_cp}), so that a launcher path needing any other jar fails here, not in a pod.
 */
public final class LauncherJvm {
    private LauncherJvm() {
    }

    /**
     * {@code vmt-clone-keeper java <options> -cp <launcher class path> io.vmtemplating.cli.Vmt}: the pods' entry point
     * in tests. The keeper is a clone's main process; for the other modes it only passes signals and the exit code on.
     */
    public static List<String> entrypoint() {
        return List.of(keeper().toString(), Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-cp", classPath(), "io.vmtemplating.cli.Vmt");
    }

    /** The clone keeper Maven builds before the tests (src/main/go/clonekeeper). */
    public static Path keeper() {
        Path keeper = Path.of("target", "vmt-clone-keeper").toAbsolutePath();
        if (!java.nio.file.Files.isExecutable(keeper)) {
            throw new IllegalStateException(keeper + " is missing: Maven builds it in process-classes (mvn test-compile)");
        }
        return keeper;
    }

    /** The test class path cut to what the launcher's is in the image: compiled classes, jackson-core/-databind/-annotations. */
    static String classPath() {
        List<String> kept = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (entry.endsWith("target" + File.separator + "classes") || entry.endsWith("target" + File.separator + "test-classes")
                    || name.matches("jackson-(core|databind|annotations)-[0-9][^/]*\\.jar")) {
                kept.add(entry);
            }
        }
        return String.join(File.pathSeparator, kept);
    }
}
