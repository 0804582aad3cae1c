package io.vmtemplating.qemu;

import java.util.ArrayList;
import java.util.List;

/** Template memory: which file backends a definition has and how each role maps them. */
public final class MemoryBackends {
    public static final String SINGLE_BACKEND_ID = "pc.ram";
    static final String NUMA_BACKEND_PREFIX = "ram-node";

    private MemoryBackends() {
    }

    /** One template memory file: its backend id (also its file name in memoryDir) and size. */
    public record Backend(String id, long sizeMiB) {
    }

    public static List<Backend> of(VmDefinition vm) {
        if (vm.numaNodesMiB().isEmpty()) {
            return List.of(new Backend(SINGLE_BACKEND_ID, vm.memoryMiB()));
        }
        List<Backend> backends = new ArrayList<>();
        for (int node = 0; node < vm.numaNodesMiB().size(); node++) {
            backends.add(new Backend(NUMA_BACKEND_PREFIX + node, vm.numaNodesMiB().get(node)));
        }
        return backends;
    }

    /**
     * The -object value of one backend.
     * Template: share=on, so the guest's RAM ends up in the file.
     * Clone: a private copy-on-write mapping. readonly=on opens the file O_RDONLY, so a clone can never write into
     * the template (the 0444 mode backs that up); rom=off is required with it, or QEMU maps guest RAM as ROM and
     * silently drops the guest's writes. share=off is QEMU's default and is spelled out because share=on here would
     * write into the template. Hugetlbfs clones add reserve=off: otherwise the private mapping reserves the whole
     * guest size in huge pages at mmap time and the second clone fails with "Cannot allocate memory". The price:
     * copy-on-write pages are taken from the free pool at fault time (SIGBUS when it runs dry), in whole huge pages,
     * so a clone pod's hugepages-<size> request must cover the memory the clone will dirty, rounded up to pages.
     */
    public static String objectOptions(Backend backend, VmDefinition vm, NodePaths paths, Role role) {
        StringBuilder options = new StringBuilder("memory-backend-file,id=").append(backend.id())
                .append(",mem-path=").append(QemuCommandLine.escape(paths.memoryFile(backend.id()).toString()))
                .append(",size=").append(backend.sizeMiB()).append('M');
        if (role == Role.TEMPLATE) {
            options.append(",share=on");
        } else {
            options.append(",share=off,readonly=on,rom=off");
            if (vm.backend() == MemoryBackendKind.HUGETLBFS) {
                options.append(",reserve=off");
            }
        }
        return options.toString();
    }

    /** True for the -object values that differ between template and clone (and are left out of the VM shape). */
    static boolean isTemplateMemoryObject(String objectValue) {
        return objectValue.startsWith("memory-backend-file,");
    }
}
