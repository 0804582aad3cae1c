package io.vmtemplating.webhook;

import io.vmtemplating.api.v1alpha1.types.HugePageSize;
import io.vmtemplating.api.v1alpha1.types.MemoryBackend;
import io.vmtemplating.api.v1alpha1.types.MemorySpec;
import io.vmtemplating.api.v1alpha1.types.NumaNode;

import java.util.OptionalLong;

/**
 * spec.memory: a valid size; hugetlbfs needs a page size that divides every size (a huge page cannot be
 * split); NUMA node sizes add up to memory.size, since a RAM block outside the node files would not be
 * templated. Each NUMA node is a file backend configured like the rest by construction (the API has no
 * per-node backend), so "backed alike" needs no rule here.
 */
final class MemoryRules {

    private MemoryRules() {
    }

    /** The huge page size in MiB when the memory is on hugetlbfs with a page size, else empty. */
    static OptionalLong hugePageMebibytes(MemorySpec memory) {
        if (memory == null || memory.backend() != MemoryBackend.HUGETLBFS || memory.hugePageSize() == null) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(memory.hugePageSize().mebibytes());
    }

    static void check(MemorySpec memory, Violations out) {
        if (memory == null) {
            out.add("spec.memory", "is required; set memory.size, e.g. 512Mi");
            return;
        }
        OptionalLong size = size(memory.size(), "spec.memory.size", out);
        if (memory.backend() == MemoryBackend.HUGETLBFS && memory.hugePageSize() == null) {
            out.add("spec.memory.hugePageSize", "is required when memory.backend is hugetlbfs; set 2Mi or 1Gi");
        }
        OptionalLong page = hugePageMebibytes(memory);
        if (size.isPresent() && page.isPresent()) {
            multipleOfPage("spec.memory.size", size.getAsLong(), memory.hugePageSize(), out);
        }
        if (memory.numaNodes() == null || memory.numaNodes().isEmpty()) {
            return;
        }
        long sum = 0;
        boolean allSizesValid = true;
        for (int i = 0; i < memory.numaNodes().size(); i++) {
            String at = "spec.memory.numaNodes[" + i + "]";
            NumaNode node = memory.numaNodes().get(i);
            if (node == null) {
                out.add(at, "empty entry; set size or remove it");
                allSizesValid = false;
                continue;
            }
            OptionalLong nodeSize = size(node.size(), at + ".size", out);
            if (nodeSize.isEmpty()) {
                allSizesValid = false;
                continue;
            }
            sum += nodeSize.getAsLong();
            if (page.isPresent()) {
                multipleOfPage(at + ".size", nodeSize.getAsLong(), memory.hugePageSize(), out);
            }
        }
        if (allSizesValid && size.isPresent() && sum != size.getAsLong()) {
            out.add("spec.memory.numaNodes", "node sizes add up to " + Sizes.format(sum) + " but memory.size is "
                    + Sizes.format(size.getAsLong()) + "; make them add up to memory.size");
        }
    }

    /** A required Mi/Gi quantity; reports it missing or malformed. */
    static OptionalLong size(String quantity, String path, Violations out) {
        if (quantity == null) {
            out.add(path, "is required; set a size in Mi or Gi, e.g. 512Mi");
            return OptionalLong.empty();
        }
        OptionalLong mebibytes = Sizes.mebibytes(quantity, false);
        if (mebibytes.isEmpty()) {
            out.add(path, Sizes.notAQuantity(quantity, false));
        }
        return mebibytes;
    }

    static void multipleOfPage(String path, long mebibytes, HugePageSize page, Violations out) {
        if (mebibytes % page.mebibytes() != 0) {
            String pageText = Sizes.format(page.mebibytes());
            out.add(path, Sizes.format(mebibytes) + " is not a multiple of the " + pageText
                    + " huge page size; make it a multiple of " + pageText);
        }
    }
}
