package io.vmtemplating.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class QemuCommandLineTest {
    private static final String HEAD_TCG = "qemu-system-x86_64 -machine q35,memory-backend=pc.ram -accel tcg";
    private static final String CONSOLE = "-chardev socket,id=serial0,path=/run/vmt/vm1/serial.sock,server=on,wait=off -serial chardev:serial0"
            + " -chardev socket,id=qmp,path=/run/vmt/vm1/qmp.sock,server=on,wait=off -mon chardev=qmp,mode=control";
    private static final String BOOT = "-kernel /boot/vmlinuz -initrd /boot/initrd.gz -append console=ttyS0 quiet";
    private static final String COMMON = "-nodefaults -no-user-config -display none";

    /** One row: definition, host, role → the whole argv, space-joined (no argument in these rows contains a space but -append's). */
    static Stream<Arguments> table() {
        VmDefinition minimal = Specs.minimal();
        return Stream.of(
                Arguments.of("tmpfs template, TCG", minimal, Specs.TCG, Role.TEMPLATE,
                        HEAD_TCG + " -m 512M -smp 1 " + COMMON
                                + " -object memory-backend-file,id=pc.ram,mem-path=/dev/shm/vmt/t1/pc.ram,size=512M,share=on "
                                + BOOT + " " + CONSOLE),
                Arguments.of("tmpfs clone, TCG", minimal, Specs.TCG, Role.CLONE,
                        HEAD_TCG + " -m 512M -smp 1 " + COMMON
                                + " -object memory-backend-file,id=pc.ram,mem-path=/dev/shm/vmt/t1/pc.ram,size=512M,share=off,readonly=on,rom=off "
                                + BOOT + " " + CONSOLE + " -incoming defer"),
                Arguments.of("KVM first, TCG fallback", minimal, Specs.KVM, Role.TEMPLATE,
                        "qemu-system-x86_64 -machine q35,memory-backend=pc.ram -accel kvm -accel tcg -m 512M -smp 1 " + COMMON
                                + " -object memory-backend-file,id=pc.ram,mem-path=/dev/shm/vmt/t1/pc.ram,size=512M,share=on "
                                + BOOT + " " + CONSOLE),
                Arguments.of("hugetlbfs clone reserves nothing at mmap", Specs.hugetlbfs(minimal, 2048), Specs.TCG, Role.CLONE,
                        HEAD_TCG + " -m 512M -smp 1 " + COMMON
                                + " -object memory-backend-file,id=pc.ram,mem-path=/dev/shm/vmt/t1/pc.ram,size=512M,share=off,readonly=on,rom=off,reserve=off "
                                + BOOT + " " + CONSOLE + " -incoming defer"),
                Arguments.of("hugetlbfs template: same options as tmpfs", Specs.hugetlbfs(minimal, 2048), Specs.TCG, Role.TEMPLATE,
                        HEAD_TCG + " -m 512M -smp 1 " + COMMON
                                + " -object memory-backend-file,id=pc.ram,mem-path=/dev/shm/vmt/t1/pc.ram,size=512M,share=on "
                                + BOOT + " " + CONSOLE),
                Arguments.of("two NUMA nodes, two CPUs", Specs.withNuma(minimal, 2, List.of(256L, 256L)), Specs.TCG, Role.TEMPLATE,
                        "qemu-system-x86_64 -machine q35 -accel tcg -m 512M -smp 2 " + COMMON
                                + " -object memory-backend-file,id=ram-node0,mem-path=/dev/shm/vmt/t1/ram-node0,size=256M,share=on"
                                + " -object memory-backend-file,id=ram-node1,mem-path=/dev/shm/vmt/t1/ram-node1,size=256M,share=on"
                                + " -numa node,nodeid=0,cpus=0,memdev=ram-node0 -numa node,nodeid=1,cpus=1,memdev=ram-node1 "
                                + BOOT + " " + CONSOLE),
                Arguments.of("three NUMA nodes, one CPU: memory-only nodes", Specs.withNuma(minimal, 1, List.of(128L, 128L, 256L)), Specs.TCG, Role.CLONE,
                        "qemu-system-x86_64 -machine q35 -accel tcg -m 512M -smp 1 " + COMMON
                                + " -object memory-backend-file,id=ram-node0,mem-path=/dev/shm/vmt/t1/ram-node0,size=128M,share=off,readonly=on,rom=off"
                                + " -object memory-backend-file,id=ram-node1,mem-path=/dev/shm/vmt/t1/ram-node1,size=128M,share=off,readonly=on,rom=off"
                                + " -object memory-backend-file,id=ram-node2,mem-path=/dev/shm/vmt/t1/ram-node2,size=256M,share=off,readonly=on,rom=off"
                                + " -numa node,nodeid=0,memdev=ram-node0 -numa node,nodeid=1,memdev=ram-node1 -numa node,nodeid=2,cpus=0,memdev=ram-node2 "
                                + BOOT + " " + CONSOLE + " -incoming defer"),
                Arguments.of("four CPUs on two nodes", Specs.withNuma(minimal, 4, List.of(256L, 256L)), Specs.TCG, Role.TEMPLATE,
                        "qemu-system-x86_64 -machine q35 -accel tcg -m 512M -smp 4 " + COMMON
                                + " -object memory-backend-file,id=ram-node0,mem-path=/dev/shm/vmt/t1/ram-node0,size=256M,share=on"
                                + " -object memory-backend-file,id=ram-node1,mem-path=/dev/shm/vmt/t1/ram-node1,size=256M,share=on"
                                + " -numa node,nodeid=0,cpus=0-1,memdev=ram-node0 -numa node,nodeid=1,cpus=2-3,memdev=ram-node1 "
                                + BOOT + " " + CONSOLE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void buildsTheWholeArgv(String name, VmDefinition vm, HostFacts host, Role role, String expected) {
        assertEquals(split(expected), QemuCommandLine.build(vm, Specs.PATHS, host, role));
    }

    @ParameterizedTest(name = "golden {0}")
    @MethodSource("golden")
    void matchesGoldenFile(String file, VmDefinition vm, HostFacts host, Role role) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/golden/" + file)) {
            String expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // one argument per line: a diff shows exactly which argument changed
            assertEquals(expected, String.join("\n", QemuCommandLine.build(vm, Specs.PATHS, host, role)) + "\n");
        }
    }

    static Stream<Arguments> golden() {
        return Stream.of(
                Arguments.of("all-devices-template.argv", Specs.allDevices(), Specs.KVM, Role.TEMPLATE),
                Arguments.of("all-devices-clone.argv", Specs.allDevices(), Specs.KVM, Role.CLONE),
                Arguments.of("hugetlbfs-numa-clone.argv", Specs.hugetlbfs(Specs.withNuma(Specs.minimal(), 2, List.of(512L, 512L)), 2048),
                        Specs.TCG, Role.CLONE));
    }

    @Test
    void withoutSerialConsoleThePortStaysAndItsOutputIsDropped() {
        VmDefinition vm = Specs.minimal();
        VmDefinition quiet = new VmDefinition(vm.machine(), vm.cpus(), vm.memoryMiB(), vm.backend(), 0, List.of(), vm.boot(), vm.network(),
                null, null, false, false, false, List.of(), List.of());
        List<String> argv = QemuCommandLine.build(quiet, Specs.PATHS, Specs.TCG, Role.CLONE);
        assertEquals(List.of("-chardev", "null,id=serial0", "-serial", "chardev:serial0"),
                argv.subList(argv.indexOf("-serial") - 2, argv.indexOf("-serial") + 2));
        assertEquals(-1, String.join(" ", argv).indexOf("serial.sock"));
    }

    @Test
    void refusesNumaNodesThatDoNotAddUp() {
        VmDefinition vm = Specs.withNuma(Specs.minimal(), 1, List.of(256L, 256L));
        VmDefinition wrong = new VmDefinition(vm.machine(), 1, 1024, vm.backend(), 0, vm.numaNodesMiB(), vm.boot(), vm.network(),
                null, null, false, false, true, List.of(), List.of());
        var e = assertThrows(IllegalArgumentException.class, () -> QemuCommandLine.build(wrong, Specs.PATHS, Specs.TCG, Role.TEMPLATE));
        assertEquals("numaNodesMiB add up to 512 MiB but memoryMiB is 1024", e.getMessage());
    }

    @Test
    void refusesMemoryThatIsNotWholeHugePages() {
        VmDefinition vm = Specs.hugetlbfs(Specs.minimal(), 1048576);
        VmDefinition odd = new VmDefinition("q35", 1, 1536, vm.backend(), 1048576, List.of(), vm.boot(), vm.network(),
                null, null, false, false, true, List.of(), List.of());
        var e = assertThrows(IllegalArgumentException.class, () -> QemuCommandLine.build(odd, Specs.PATHS, Specs.TCG, Role.TEMPLATE));
        assertEquals("memory backend pc.ram (1536 MiB) is not a multiple of the 1048576 KiB huge page size", e.getMessage());
    }

    private static List<String> split(String joined) {
        // -append's value is the only argument with a space in these rows
        List<String> argv = new ArrayList<>();
        String[] parts = joined.split(" ");
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].equals("-append")) {
                argv.add("-append");
                argv.add(parts[i + 1] + " " + parts[i + 2]);
                i += 2;
            } else {
                argv.add(parts[i]);
            }
        }
        return argv;
    }
}
