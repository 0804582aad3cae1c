package io.vmtemplating.qemu;

import java.util.List;
import java.util.Objects;

/**
 * Everything that shapes one VM's QEMU command line. The launcher receives it as JSON (Jackson), so it holds
 * simple types only. A clone uses its template's definition unchanged: its device set must match.
 *
 * @param machine               QEMU machine type, e.g. "q35"
 * @param memoryMiB             guest RAM; equals the sum of numaNodesMiB when those are given
 * @param hugePageKiB           2048 or 1048576 for HUGETLBFS, 0 for TMPFS; every backend size is a multiple of it
 * @param numaNodesMiB          empty: one backend "pc.ram"; else one file backend per NUMA node ("ram-node0", ...)
 * @param balloon               null: no balloon
 * @param virtioMem             null: no virtio-mem device
 * @param serialConsole         true: ttyS0 goes to a socket the launcher reads (pod log, SerialConsole trigger);
 *                              false: the port stays (same guest hardware) but its output goes nowhere
 * @param extraArgs             validated elsewhere; appended last
 * @param migrationCapabilities extra capabilities for the freeze (and restore) besides x-ignore-shared
 */
public record VmDefinition(
        String machine,
        int cpus,
        long memoryMiB,
        MemoryBackendKind backend,
        long hugePageKiB,
        List<Long> numaNodesMiB,
        Boot boot,
        Network network,
        Balloon balloon,
        VirtioMem virtioMem,
        boolean vmgenid,
        boolean rng,
        boolean serialConsole,
        List<String> extraArgs,
        List<String> migrationCapabilities) {

    public VmDefinition {
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(boot, "boot");
        numaNodesMiB = numaNodesMiB == null ? List.of() : List.copyOf(numaNodesMiB);
        network = network == null ? new Network(false) : network;
        extraArgs = extraArgs == null ? List.of() : List.copyOf(extraArgs);
        migrationCapabilities = migrationCapabilities == null ? List.of() : List.copyOf(migrationCapabilities);
    }

    /**
     * Boot sources. kernelPath, initrdPath and cmdline may each be null (a disk-only boot).
     *
     * @param diskPath   null: no disk. The disk is always attached read-only: every clone shares it.
     * @param diskFormat "raw" or "qcow2"
     */
    public record Boot(String kernelPath, String initrdPath, String cmdline, String diskPath, String diskFormat) {
    }

    /** @param userNat user-mode NAT (slirp) network; port forwards are clone additions */
    public record Network(boolean userNat) {
    }

    /** Balloon for memory statistics only: inflating or free-page reporting/hinting cannot discard template RAM. */
    public record Balloon(int statsPollingSeconds) {
    }

    /**
     * A virtio-mem device with requested-size 0 and its own private RAM backend (never template memory, which it
     * could not discard). Present on template and clone alike so the device sets match; a clone grows it after restore.
     */
    public record VirtioMem(long sizeMiB, long blockSizeMiB) {
    }
}
