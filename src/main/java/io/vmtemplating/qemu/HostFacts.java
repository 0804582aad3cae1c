package io.vmtemplating.qemu;

import java.util.Objects;

/**
 * Facts about the node, gathered once by {@link HostProbe} before anything is built, so that the command-line
 * builder stays a pure function.
 *
 * @param qemuBinary  path or name of qemu-system-x86_64
 * @param kvmUsable   true when /dev/kvm can be used: argv then says {@code -accel kvm -accel tcg}, else {@code -accel tcg}
 * @param qemuVersion "major.minor.micro" of qemuBinary (added to the brief's shape: the clone check compares it
 *                    with the version that froze the template, because a migration stream is tied to it), or
 *                    {@link #VERSION_UNPROBED}: the restorer then takes it from the started QEMU's QMP greeting
 *                    (a launcher does not spend a {@code qemu --version} process on its way to a clone)
 */
public record HostFacts(String qemuBinary, boolean kvmUsable, String qemuVersion) {
    public static final String VERSION_UNPROBED = "unprobed";

    public HostFacts {
        Objects.requireNonNull(qemuBinary, "qemuBinary");
        Objects.requireNonNull(qemuVersion, "qemuVersion");
    }

    public boolean versionProbed() {
        return !qemuVersion.equals(VERSION_UNPROBED);
    }
}
