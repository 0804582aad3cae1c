package io.vmtemplating.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Gathers {@link HostFacts} from the node: the only place in this package that looks at the environment. */
public final class HostProbe {
    private static final Pattern VERSION = Pattern.compile("version (\\d+\\.\\d+\\.\\d+)");

    private HostProbe() {
    }

    public static HostFacts probe(String qemuBinary) {
        return new HostFacts(qemuBinary, kvmDeviceUsable(), qemuVersion(qemuBinary));
    }

    /** /dev/kvm present and openable read-write by us: QEMU then tries KVM first and falls back to TCG. */
    public static boolean kvmDeviceUsable() {
        Path kvm = Path.of("/dev/kvm");
        return Files.exists(kvm) && Files.isReadable(kvm) && Files.isWritable(kvm);
    }

    /** "10.0.2" from "QEMU emulator version 10.0.2 (Debian ...)". */
    public static String qemuVersion(String qemuBinary) {
        try {
            Process process = new ProcessBuilder(qemuBinary, "--version").redirectErrorStream(true).start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(qemuBinary + " --version did not finish within 10 s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return parseVersion(output);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + qemuBinary + " --version: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + qemuBinary + " for its version", e);
        }
    }

    static String parseVersion(String versionOutput) {
        Matcher matcher = VERSION.matcher(versionOutput);
        if (!matcher.find()) {
            throw new IllegalStateException("no QEMU version in: " + versionOutput.strip());
        }
        return matcher.group(1);
    }
}
