package io.vmtemplating.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootStubTest {
    @TempDir
    Path dir;

    /** A bzImage-shaped file: setup_sects at 0x1f1, "HdrS" at 0x202, then a kernel body of the given size. */
    private Path kernel(int setupSects, int bodyBytes) throws IOException {
        byte[] file = new byte[(setupSects + 1) * 512 + bodyBytes];
        Arrays.fill(file, (byte) 7);
        file[0x1f1] = (byte) setupSects;
        System.arraycopy("HdrS".getBytes(StandardCharsets.ISO_8859_1), 0, file, 0x202, 4);
        return Files.write(dir.resolve("vmlinuz"), file);
    }

    @Test
    void stubKeepsTheSetupSectorsAndFourKibOfTheKernel() throws IOException {
        Path kernel = kernel(39, 8 << 20);
        Path initrd = Files.write(dir.resolve("initrd.gz"), new byte[1 << 20]);
        BootStub stub = BootStub.write(new VmDefinition.Boot(kernel.toString(), initrd.toString(), "console=ttyS0", null, null),
                dir.resolve("run")).orElseThrow();
        byte[] written = Files.readAllBytes(stub.kernel());
        assertEquals(40 * 512 + 4096, written.length);
        assertArrayEquals(Arrays.copyOf(Files.readAllBytes(kernel), written.length), written);
        assertEquals(0, Files.size(stub.initrd()));
        assertEquals(dir.resolve("run"), stub.kernel().getParent());
    }

    @Test
    void cloneArgvNamesTheStubsAndEndsQemuOnReboot() {
        BootStub stub = new BootStub(Path.of("/run/c/boot-stub-kernel"), Path.of("/run/c/boot-stub-initrd"));
        List<String> argv = List.of("qemu", "-kernel", "/boot/vmlinuz", "-initrd", "/boot/initrd.gz", "-append", "quiet",
                "-action", "reboot=reset", "-incoming", "defer");
        assertEquals(List.of("qemu", "-kernel", "/run/c/boot-stub-kernel", "-initrd", "/run/c/boot-stub-initrd", "-append", "quiet",
                "-action", "reboot=reset", "-incoming", "defer", "-no-reboot"), stub.argv(argv));
    }

    @Test
    void noStubForADiskBootOrAKernelWithoutTheLinuxHeader() throws IOException {
        assertTrue(BootStub.write(new VmDefinition.Boot(null, null, null, "/disk.qcow2", "qcow2"), dir).isEmpty());
        Path elf = Files.write(dir.resolve("kernel.elf"), new byte[64 << 10]);
        assertTrue(BootStub.write(new VmDefinition.Boot(elf.toString(), null, null, null, null), dir).isEmpty(),
                "QEMU loads multiboot/PVH kernels its own way: the clone keeps the real file");
    }

    @Test
    void aCloneTakesTheStubItsTemplateLeftAndWritesNothing() throws IOException {
        Path kernel = kernel(39, 64 << 10);
        Path initrd = Files.write(dir.resolve("initrd.gz"), new byte[1 << 10]);
        VmDefinition.Boot boot = new VmDefinition.Boot(kernel.toString(), initrd.toString(), null, null, null);
        BootStub frozen = BootStub.write(boot, dir.resolve("state")).orElseThrow();
        BootStub clone = BootStub.forClone(boot, dir.resolve("state"), dir.resolve("run")).orElseThrow();
        assertEquals(frozen, clone);
        assertTrue(Files.notExists(dir.resolve("run")), "nothing written on the clone's start");
    }

    @Test
    void aTemplateFrozenWithoutAStubGetsOneInTheClonesRunDirectory() throws IOException {
        VmDefinition.Boot boot = new VmDefinition.Boot(kernel(39, 64 << 10).toString(), null, null, null, null);
        BootStub clone = BootStub.forClone(boot, dir.resolve("state"), dir.resolve("run")).orElseThrow();
        assertEquals(dir.resolve("run"), clone.kernel().getParent());
    }

    @Test
    void setupSectsZeroMeansFour() throws IOException {
        Path kernel = kernel(0, 1 << 20);
        assertEquals(5 * 512 + 4096, BootStub.linuxHeader(kernel).orElseThrow().length);
    }
}
