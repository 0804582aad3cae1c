package io.vmtemplating.qemu;

/** Where template memory lives on the node: a tmpfs file (4 KiB pages) or a hugetlbfs file (2 MiB / 1 GiB pages). */
public enum MemoryBackendKind {
    TMPFS,
    HUGETLBFS
}
