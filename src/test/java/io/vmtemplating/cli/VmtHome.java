package io.vmtemplating.cli;

import io.vmtemplating.launcher.LauncherJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A vmt installation in a test's directory, for tests that run a vmt command in a JVM of their own and signal it:
 * the vmt script starts this build's classes (the launcher the local node runs), next to the repository's samples and
 * hack/.
 */
public final class VmtHome {
    private VmtHome() {
    }

    public static void install(Path home) throws IOException {
        if (Files.exists(home.resolve("vmt"))) {
            return;
        }
        Path repo = Path.of("").toAbsolutePath();
        Files.createSymbolicLink(home.resolve("samples"), repo.resolve("samples"));
        Files.createSymbolicLink(home.resolve("hack"), repo.resolve("hack"));
        String entrypoint = LauncherJvm.entrypoint().stream().map(a -> "'" + a + "'").collect(Collectors.joining(" "));
        Path vmt = home.resolve("vmt");
        Files.writeString(vmt, "#!/bin/sh\nexec " + entrypoint + " \"$@\"\n");
        Files.setPosixFilePermissions(vmt, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** What a JVM of a test has written to the file so far ("" before it has written anything). */
    public static String readSoFar(Path output) {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "";
        }
    }

    /** `vmt ARGS` in a JVM of its own, with this installation as its home. */
    public static ProcessBuilder command(Path home, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-cp", System.getProperty("java.class.path"),
                "-Dvmt.home=" + home, Vmt.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }
}
