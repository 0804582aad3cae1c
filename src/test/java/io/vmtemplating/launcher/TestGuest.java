package io.vmtemplating.launcher;

import java.io.IOException;
import java.nio.file.Path;

/** The launcher's view of the test guest (its /init prints GUEST-READY on ttyS0): a template spec and boot paths. */
final class TestGuest {
    private TestGuest() {
    }

    /** Built (or found) by the QEMU layer's tests' helper: one guest cache, one way to get it. */
    static Path dir() {
        return io.vmtemplating.qemu.TestGuest.dir();
    }

    /** A template spec for the test guest: 256 MiB, frozen when the guest prints GUEST-READY. */
    static String templateSpec() {
        return "{\"memory\":{\"size\":\"256Mi\"},\"boot\":{\"kernel\":{\"hostPath\":{\"path\":\"/var/lib/vmtemplating/guest/vmlinuz-cloud\"}},"
                + "\"initrd\":{\"hostPath\":{\"path\":\"/var/lib/vmtemplating/guest/initrd.gz\"}},\"cmdline\":\"console=ttyS0 quiet panic=-1\"},"
                + "\"freeze\":{\"trigger\":\"SerialConsole\",\"serialConsolePattern\":\"GUEST-READY\",\"timeoutSeconds\":180}}";
    }

    /**
     * A template spec frozen by the GuestAgent trigger: the guest's qemu-ga answers on the channel the trigger adds.
     * {@code vmt.noqga} in extraCmdline keeps the channel but starts no agent.
     */
    static String guestAgentTemplateSpec(String extraCmdline, int timeoutSeconds) {
        return "{\"memory\":{\"size\":\"256Mi\"},\"boot\":{\"kernel\":{\"hostPath\":{\"path\":\"/var/lib/vmtemplating/guest/vmlinuz-cloud\"}},"
                + "\"initrd\":{\"hostPath\":{\"path\":\"/var/lib/vmtemplating/guest/initrd.gz\"}},\"cmdline\":\"console=ttyS0 quiet panic=-1" + extraCmdline + "\"},"
                + "\"freeze\":{\"trigger\":\"GuestAgent\",\"timeoutSeconds\":" + timeoutSeconds + "}}";
    }

    /** The test guest frozen at GUEST-READY, declaring spec.claimData (which adds the guest agent's channel). */
    static String claimDataTemplateSpec(String directory) {
        String spec = templateSpec();
        return spec.substring(0, spec.length() - 1) + ",\"claimData\":{\"directory\":\"" + directory + "\",\"timeoutSeconds\":30}}";
    }

    /** The pod's boot volumes: the guest's build directory stands for the node's allowed boot-file directory. */
    static String bootPathMap() throws IOException, InterruptedException {
        return "/vmt/boot/kernel=" + dir() + ":/vmt/boot/initrd=" + dir();
    }
}
