package io.vmtemplating.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The test guest of hack/build-test-guest.sh. Found at -Dvmt.test.guest.dir (or $VMT_TEST_GUEST_DIR); otherwise the
 * script is run, which returns its cache directory at once when the guest is built already and builds it otherwise.
 * hack/install-deps.sh runs first (a no-op when QEMU >= 8.2, busybox and cpio are there), so `mvn verify` as root on
 * a fresh Debian 12 gets everything it needs.
 */
public final class TestGuest {
    private static Path dir;

    private TestGuest() {
    }

    public static synchronized Path dir() {
        if (dir == null) {
            String configured = System.getProperty("vmt.test.guest.dir", System.getenv("VMT_TEST_GUEST_DIR"));
            if (configured != null && !configured.isBlank()) {
                dir = Path.of(configured);
            } else {
                run("hack/install-deps.sh");
                List<String> output = run("hack/build-test-guest.sh");
                dir = Path.of(output.get(output.size() - 1).strip());
            }
        }
        return dir;
    }

    /** Debian's cloud kernel: boots fastest, but has no vmgenid driver. */
    static VmDefinition.Boot cloudKernel() {
        return boot("vmlinuz-cloud");
    }

    /** Debian's generic kernel: CONFIG_VMGENID=y. */
    static VmDefinition.Boot genericKernel() {
        return boot("vmlinuz-generic");
    }

    private static VmDefinition.Boot boot(String kernel) {
        return new VmDefinition.Boot(dir().resolve(kernel).toString(), dir().resolve("initrd.gz").toString(),
                "console=ttyS0 quiet panic=-1", null, null);
    }

    private static List<String> run(String script) {
        Path root = Path.of(System.getProperty("maven.multiModuleProjectDirectory", System.getProperty("user.dir")));
        try {
            Process process = new ProcessBuilder("bash", root.resolve(script).toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(20, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(script + " failed: " + output);
            }
            return output.lines().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
