package io.vmtemplating.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The boot files a clone's QEMU is given instead of the template's. QEMU reads the whole -kernel and -initrd into its
 * heap at start for fw_cfg (14 MiB of a restored clone's 30 MiB for the demo guest), yet a restored guest never
 * boots: the firmware reads them again only on a reboot. The migration stream does not carry fw_cfg's files, so the
 * clone gets the kernel's real Linux boot header (QEMU refuses a -kernel without one) with 4 KiB of the kernel
 * behind it and an empty initrd, and {@code -no-reboot}: that stub cannot boot, so a guest reboot ends QEMU instead
 * (docs/benchmarks.md, measured; the launcher reports it as a clone that must be created again).
 *
 * @param kernel the stub kernel in the clone's run directory
 * @param initrd the empty initrd there, or null when the template has no -initrd
 */
public record BootStub(Path kernel, Path initrd) {
    static final String KERNEL_FILE = "boot-stub-kernel";
    static final String INITRD_FILE = "boot-stub-initrd";
    /** Where the Linux x86 boot protocol puts setup_sects (a byte) and the "HdrS" magic. */
    private static final int SETUP_SECTS_OFFSET = 0x1f1;
    private static final int MAGIC_OFFSET = 0x202;
    private static final int KERNEL_TAIL_BYTES = 4096;

    /**
     * Writes the stub files into {@code runDir} (each replaced whole: a QEMU already reading the old one keeps it).
     * Empty for a VM that boots no -kernel, or a kernel without the Linux boot header (QEMU loads those otherwise).
     */
    public static Optional<BootStub> write(VmDefinition.Boot boot, Path runDir) throws IOException {
        if (boot.kernelPath() == null) {
            return Optional.empty();
        }
        Optional<byte[]> header = linuxHeader(Path.of(boot.kernelPath()));
        if (header.isEmpty()) {
            return Optional.empty();
        }
        Files.createDirectories(runDir);
        Path kernel = replace(runDir.resolve(KERNEL_FILE), header.get());
        Path initrd = boot.initrdPath() == null ? null : replace(runDir.resolve(INITRD_FILE), new byte[0]);
        return Optional.of(new BootStub(kernel, initrd));
    }

    /**
     * The stub the template's build left in its state directory; else (a template frozen before builds wrote one)
     * written into the clone's run directory.
     */
    public static Optional<BootStub> forClone(VmDefinition.Boot boot, Path stateDir, Path runDir) throws IOException {
        if (boot.kernelPath() == null) {
            return Optional.empty();
        }
        Path kernel = stateDir.resolve(KERNEL_FILE);
        Path initrd = boot.initrdPath() == null ? null : stateDir.resolve(INITRD_FILE);
        if (Files.exists(kernel) && (initrd == null || Files.exists(initrd))) {
            return Optional.of(new BootStub(kernel, initrd));
        }
        return write(boot, runDir);
    }

    /** The clone's argv with the stub's files in place of -kernel's and -initrd's, and a reboot that ends QEMU. */
    public List<String> argv(List<String> cloneArgv) {
        List<String> argv = new ArrayList<>(cloneArgv);
        for (int i = 0; i + 1 < argv.size(); i++) {
            if (argv.get(i).equals("-kernel")) {
                argv.set(i + 1, kernel.toString());
            } else if (argv.get(i).equals("-initrd") && initrd != null) {
                argv.set(i + 1, initrd.toString());
            }
        }
        // last, so it wins over a template's extraArgs -action reboot=reset
        argv.add("-no-reboot");
        return List.copyOf(argv);
    }

    /** The setup sectors plus a little of the kernel: what QEMU's Linux loader needs to accept the file. */
    static Optional<byte[]> linuxHeader(Path kernel) throws IOException {
        try (InputStream in = Files.newInputStream(kernel)) {
            byte[] first = in.readNBytes(MAGIC_OFFSET + 4);
            if (first.length < MAGIC_OFFSET + 4 || !new String(first, MAGIC_OFFSET, 4, java.nio.charset.StandardCharsets.ISO_8859_1).equals("HdrS")) {
                return Optional.empty();
            }
            int setupSects = first[SETUP_SECTS_OFFSET] & 0xff;
            int setupBytes = ((setupSects == 0 ? 4 : setupSects) + 1) * 512; // the boot protocol: 0 means 4
            byte[] rest = in.readNBytes(setupBytes + KERNEL_TAIL_BYTES - first.length);
            byte[] stub = new byte[first.length + rest.length];
            System.arraycopy(first, 0, stub, 0, first.length);
            System.arraycopy(rest, 0, stub, first.length, rest.length);
            return stub.length > setupBytes ? Optional.of(stub) : Optional.empty();
        }
    }

    private static Path replace(Path file, byte[] content) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temporary, content);
        return Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
