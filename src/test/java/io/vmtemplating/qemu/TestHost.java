package io.vmtemplating.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Host facts for the real-QEMU tests. -Dvmt.test.accel=tcg|kvm|auto (default auto). auto uses KVM only when
 * /dev/kvm is usable AND the test guest boots under it within 20 s: on some nested hosts /dev/kvm opens but the guest
 * hangs early in boot (measured here: a few early-printk lines, then nothing; QEMU aborting on an MSR with -cpu host).
 */
final class TestHost {
    private static HostFacts facts;

    private TestHost() {
    }

    static synchronized HostFacts facts() {
        if (facts == null) {
            String qemu = "qemu-system-x86_64";
            String accel = System.getProperty("vmt.test.accel", "auto");
            TestGuest.dir(); // installs QEMU when missing
            boolean kvm = switch (accel) {
                case "tcg" -> false;
                case "kvm" -> true;
                default -> HostProbe.kvmDeviceUsable() && kvmRunsAGuest(qemu);
            };
            facts = new HostFacts(qemu, kvm, HostProbe.qemuVersion(qemu));
            System.out.println("[qemu tests] QEMU " + facts.qemuVersion() + ", accelerator " + (kvm ? "kvm (tcg fallback)" : "tcg"));
        }
        return facts;
    }

    static String accelName() {
        return facts().kvmUsable() ? "KVM" : "TCG";
    }

    private static boolean kvmRunsAGuest(String qemu) {
        try {
            Path log = Files.createTempFile("kvm-probe", ".log");
            VmDefinition.Boot boot = TestGuest.cloudKernel();
            try (QemuProcess process = QemuProcess.start(List.of(qemu, "-accel", "kvm", "-machine", "q35", "-m", "128M",
                    "-nodefaults", "-no-user-config", "-display", "none", "-kernel", boot.kernelPath(), "-initrd", boot.initrdPath(),
                    "-append", boot.cmdline(), "-serial", "file:" + log), Files.createTempFile("kvm-probe", ".qemu"))) {
                // the whole boot, not just early output: here the kernel's first lines appear and then the guest hangs
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < deadline && process.isAlive()) {
                    if (Files.readString(log).contains("GUEST-READY")) {
                        return true;
                    }
                    Thread.sleep(50);
                }
                System.out.println("[qemu tests] /dev/kvm is there but a guest does not run under KVM here: using TCG");
                return false;
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
