package io.vmtemplating.qemu;

import java.util.ArrayList;
import java.util.List;

/**
 * Pure function from (definition, node paths, host facts, role) to QEMU's argv. It never reads the environment or
 * the disk: whatever it needs is in its arguments. Built area by area (KubeVirt style), one method each, so that
 * each area is read and tested on its own. Called in order by plain calls, not a list of method references: every
 * clone launcher runs this before QEMU's exec, and each method reference costs a fresh JVM a lambda bootstrap.
 */
public final class QemuCommandLine {
    public static final String VIRTIO_MEM_ID = "vmem0";
    public static final String NETDEV_ID = "net0";

    private QemuCommandLine() {
    }

    public static List<String> build(VmDefinition vm, NodePaths paths, HostFacts host, Role role) {
        checkMemory(vm);
        List<String> argv = new ArrayList<>();
        argv.add(host.qemuBinary());
        machine(vm, host, argv);
        memoryBackends(vm, paths, role, argv);
        numa(vm, argv);
        boot(vm, argv);
        consoleAndMonitor(vm, paths, argv);
        devices(vm, argv);
        network(vm, argv);
        incoming(role, argv);
        argv.addAll(vm.extraArgs());
        return List.copyOf(argv);
    }

    private static void checkMemory(VmDefinition vm) {
        List<MemoryBackends.Backend> backends = MemoryBackends.of(vm);
        long sumMiB = 0;
        for (MemoryBackends.Backend backend : backends) {
            sumMiB += backend.sizeMiB();
        }
        if (sumMiB != vm.memoryMiB()) {
            throw new IllegalArgumentException("numaNodesMiB add up to " + sumMiB + " MiB but memoryMiB is " + vm.memoryMiB());
        }
        if (vm.backend() == MemoryBackendKind.HUGETLBFS) {
            if (vm.hugePageKiB() != 2048 && vm.hugePageKiB() != 1048576) {
                throw new IllegalArgumentException("hugePageKiB must be 2048 or 1048576 for HUGETLBFS, got " + vm.hugePageKiB());
            }
            for (MemoryBackends.Backend backend : backends) {
                if (backend.sizeMiB() * 1024 % vm.hugePageKiB() != 0) {
                    throw new IllegalArgumentException("memory backend " + backend.id() + " (" + backend.sizeMiB()
                            + " MiB) is not a multiple of the " + vm.hugePageKiB() + " KiB huge page size");
                }
            }
        }
    }

    private static void machine(VmDefinition vm, HostFacts host, List<String> argv) {
        // one backend: the machine takes it as its RAM; with NUMA each -numa node names its own memdev instead
        String machine = vm.numaNodesMiB().isEmpty()
                ? vm.machine() + ",memory-backend=" + MemoryBackends.SINGLE_BACKEND_ID
                : vm.machine();
        argv.addAll(List.of("-machine", machine));
        if (host.kvmUsable()) {
            argv.addAll(List.of("-accel", "kvm", "-accel", "tcg"));
        } else {
            argv.addAll(List.of("-accel", "tcg"));
        }
        // virtio-mem plugs into device memory, which needs maxmem above the boot memory
        String memory = vm.virtioMem() == null
                ? vm.memoryMiB() + "M"
                : vm.memoryMiB() + "M,maxmem=" + (vm.memoryMiB() + vm.virtioMem().sizeMiB()) + "M";
        argv.addAll(List.of("-m", memory, "-smp", Integer.toString(vm.cpus())));
        argv.addAll(List.of("-nodefaults", "-no-user-config", "-display", "none"));
    }

    private static void memoryBackends(VmDefinition vm, NodePaths paths, Role role, List<String> argv) {
        for (MemoryBackends.Backend backend : MemoryBackends.of(vm)) {
            argv.addAll(List.of("-object", MemoryBackends.objectOptions(backend, vm, paths, role)));
        }
    }

    private static void numa(VmDefinition vm, List<String> argv) {
        int nodes = vm.numaNodesMiB().size();
        List<MemoryBackends.Backend> backends = MemoryBackends.of(vm);
        for (int node = 0; node < nodes; node++) {
            // contiguous CPU blocks per node; nodes beyond the CPU count are memory-only
            int firstCpu = node * vm.cpus() / nodes;
            int endCpu = (node + 1) * vm.cpus() / nodes;
            StringBuilder options = new StringBuilder("node,nodeid=").append(node);
            if (endCpu > firstCpu) {
                options.append(",cpus=").append(firstCpu);
                if (endCpu - 1 > firstCpu) {
                    options.append('-').append(endCpu - 1);
                }
            }
            options.append(",memdev=").append(backends.get(node).id());
            argv.addAll(List.of("-numa", options.toString()));
        }
    }

    private static void boot(VmDefinition vm, List<String> argv) {
        VmDefinition.Boot boot = vm.boot();
        // -kernel/-initrd/-append take their value verbatim (no option parsing, so no comma escaping)
        if (boot.kernelPath() != null) {
            argv.addAll(List.of("-kernel", boot.kernelPath()));
        }
        if (boot.initrdPath() != null) {
            argv.addAll(List.of("-initrd", boot.initrdPath()));
        }
        if (boot.cmdline() != null) {
            argv.addAll(List.of("-append", boot.cmdline()));
        }
        if (boot.diskPath() != null) {
            String format = boot.diskFormat() == null ? "raw" : boot.diskFormat();
            // read-only: the template and all its clones see the same disk, a write would change it under them
            argv.addAll(List.of("-drive", "file=" + escape(boot.diskPath()) + ",format=" + format
                    + ",if=none,id=disk0,readonly=on", "-device", "virtio-blk-pci,drive=disk0"));
        }
    }

    private static void consoleAndMonitor(VmDefinition vm, NodePaths paths, List<String> argv) {
        // wait=off: QEMU must not block at start for a client on either socket
        // no console: the serial port stays (the guest's hardware does not depend on who reads it), its output is dropped
        String serial = vm.serialConsole()
                ? "socket,id=serial0,path=" + escape(paths.serialSocket().toString()) + ",server=on,wait=off"
                : "null,id=serial0";
        argv.addAll(List.of(
                "-chardev", serial,
                "-serial", "chardev:serial0",
                "-chardev", "socket,id=qmp,path=" + escape(paths.qmpSocket().toString()) + ",server=on,wait=off",
                "-mon", "chardev=qmp,mode=control"));
    }

    private static void devices(VmDefinition vm, List<String> argv) {
        if (vm.vmgenid()) {
            // a fresh GUID per QEMU start: the guest reseeds its RNG after a restore instead of repeating the template's
            argv.addAll(List.of("-device", "vmgenid,guid=auto"));
        }
        if (vm.rng()) {
            argv.addAll(List.of("-device", "virtio-rng-pci"));
        }
        if (vm.balloon() != null) {
            // stats only: reporting/hinting would try to discard file-backed template RAM and fail on every page
            argv.addAll(List.of("-device", "virtio-balloon-pci,id=balloon0,free-page-reporting=off,free-page-hint=off"
                    + ",guest-stats-polling-interval=" + vm.balloon().statsPollingSeconds()));
        }
        if (vm.virtioMem() != null) {
            // own private RAM backend: virtio-mem on a read-only template file fails at realize
            String memdev = VIRTIO_MEM_ID + "-ram";
            argv.addAll(List.of(
                    "-object", "memory-backend-ram,id=" + memdev + ",size=" + vm.virtioMem().sizeMiB() + "M",
                    "-device", "virtio-mem-pci,id=" + VIRTIO_MEM_ID + ",memdev=" + memdev + ",requested-size=0"
                            + ",block-size=" + vm.virtioMem().blockSizeMiB() + "M"));
        }
    }

    private static void network(VmDefinition vm, List<String> argv) {
        if (vm.network().userNat()) {
            argv.addAll(List.of("-netdev", "user,id=" + NETDEV_ID, "-device", "virtio-net-pci,netdev=" + NETDEV_ID));
        }
    }

    private static void incoming(Role role, List<String> argv) {
        // not "-incoming file:": x-ignore-shared can only be set over QMP before the load starts
        if (role == Role.CLONE) {
            argv.addAll(List.of("-incoming", "defer"));
        }
    }

    /** QEMU option values separate keys by commas; a comma inside a value is written twice. */
    static String escape(String value) {
        return value.replace(",", ",,");
    }
}
