package io.vmtemplating.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** The test guest from hack/build-test-guest.sh (cached; its /init prints GUEST-READY on ttyS0). */
final class TestGuest {
    private static Path dir;

    private TestGuest() {
    }

    static synchronized Path dir() throws IOException, InterruptedException {
        if (dir == null) {
            Process build = new ProcessBuilder("bash", "hack/build-test-guest.sh").redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (build.waitFor() != 0) {
                throw new IllegalStateException("hack/build-test-guest.sh failed");
            }
            List<String> lines = out.lines().toList();
            dir = Path.of(lines.get(lines.size() - 1));
        }
        return dir;
    }

    /** A template spec for the test guest: 256 MiB, frozen when the guest prints GUEST-READY. */
    static String templateSpec() {
        return "{\"memory\":{\"size\":\"256Mi\"},\"boot\":{\"kernel\":{\"hostPath\":{\"path\":\"/guest/vmlinuz\"}},"
                + "\"initrd\":{\"hostPath\":{\"path\":\"/guest/initrd.gz\"}},\"cmdline\":\"console=ttyS0 quiet panic=-1\"},"
                + "\"freeze\":{\"trigger\":\"SerialConsole\",\"serialConsolePattern\":\"GUEST-READY\",\"timeoutSeconds\":180}}";
    }

    static String bootPathMap() throws IOException, InterruptedException {
        return "/vmt/boot/kernel=" + dir().resolve("vmlinuz-cloud") + ":/vmt/boot/initrd=" + dir().resolve("initrd.gz");
    }
}
