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

    /** {@code java <options> -cp <launcher class path> io.vmtemplating.cli.Vmt}: the pods' entry point in tests. */
    public static List<String> entrypoint() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xshare:auto", "-cp", classPath(), "io.vmtemplating.cli.Vmt");
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
