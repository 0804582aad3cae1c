package io.vmtemplating.reconciler;

import io.vmtemplating.api.v1alpha1.VmTemplateSpec;
import io.vmtemplating.api.v1alpha1.types.HugePageSize;
import io.vmtemplating.api.v1alpha1.types.MemoryBackend;
import java.util.Optional;

/** Reads the API's Mi/Gi quantities and the memory defaults the API server would fill in. */
public final class MemorySizes {
    private MemorySizes() {
    }

    /** "512Mi" → 512, "2Gi" → 2048, "0" → 0. The CRD pattern guarantees the syntax; anything else is refused. */
    public static long mebibytes(String quantity) {
        if (quantity == null || quantity.equals("0")) {
            return 0;
        }
        if (quantity.endsWith("Gi")) {
            return Long.parseLong(quantity.substring(0, quantity.length() - 2)) * 1024;
        }
        if (quantity.endsWith("Mi")) {
            return Long.parseLong(quantity.substring(0, quantity.length() - 2));
        }
        throw new IllegalArgumentException("'" + quantity + "' is not a size in Mi or Gi (e.g. 512Mi)");
    }

    public static MemoryBackend backend(VmTemplateSpec spec) {
        return Optional.ofNullable(spec.memory().backend()).orElse(MemoryBackend.TMPFS);
    }

    public static Optional<HugePageSize> hugePageSize(VmTemplateSpec spec) {
        return backend(spec) == MemoryBackend.HUGETLBFS ? Optional.ofNullable(spec.memory().hugePageSize()) : Optional.empty();
    }

    public static long guestMiB(VmTemplateSpec spec) {
        return mebibytes(spec.memory().size());
    }
}
