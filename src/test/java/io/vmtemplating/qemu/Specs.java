package io.vmtemplating.qemu;

import java.nio.file.Path;
import java.util.List;

/** Definitions and paths shared by the pure tests. */
final class Specs {
    static final NodePaths PATHS = new NodePaths(Path.of("/dev/shm/vmt/t1"), Path.of("/var/lib/vmt/t1"), Path.of("/run/vmt/vm1"));
    static final HostFacts TCG = new HostFacts("qemu-system-x86_64", false, "10.0.2");
    static final HostFacts KVM = new HostFacts("qemu-system-x86_64", true, "10.0.2");
    static final VmDefinition.Boot KERNEL = new VmDefinition.Boot("/boot/vmlinuz", "/boot/initrd.gz", "console=ttyS0 quiet", null, null);

    private Specs() {
    }

    static VmDefinition minimal() {
        return new VmDefinition("q35", 1, 512, MemoryBackendKind.TMPFS, 0, List.of(), KERNEL, new VmDefinition.Network(false),
                null, null, false, false, true, List.of(), List.of());
    }

    static VmDefinition withNuma(VmDefinition vm, int cpus, List<Long> nodesMiB) {
        return new VmDefinition(vm.machine(), cpus, nodesMiB.stream().mapToLong(Long::longValue).sum(), vm.backend(), vm.hugePageKiB(),
                nodesMiB, vm.boot(), vm.network(), vm.balloon(), vm.virtioMem(), vm.vmgenid(), vm.rng(), vm.serialConsole(), vm.extraArgs(), vm.migrationCapabilities());
    }

    static VmDefinition hugetlbfs(VmDefinition vm, long pageKiB) {
        return new VmDefinition(vm.machine(), vm.cpus(), vm.memoryMiB(), MemoryBackendKind.HUGETLBFS, pageKiB, vm.numaNodesMiB(),
                vm.boot(), vm.network(), vm.balloon(), vm.virtioMem(), vm.vmgenid(), vm.rng(), vm.serialConsole(), vm.extraArgs(), vm.migrationCapabilities());
    }

    static VmDefinition allDevices() {
        return new VmDefinition("q35", 2, 512, MemoryBackendKind.TMPFS, 0, List.of(),
                new VmDefinition.Boot("/boot/vmlinuz", "/boot/initrd.gz", "console=ttyS0", "/images/disk,1.qcow2", "qcow2"),
                new VmDefinition.Network(true), new VmDefinition.Balloon(5), new VmDefinition.VirtioMem(256, 2), true, true, true,
                List.of("-cpu", "qemu64"), List.of("mapped-ram"));
    }
}
