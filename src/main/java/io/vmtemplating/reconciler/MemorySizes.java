package io.vmtemplating.reconciler;

import io.vmtemplating.api.v1alpha1.VmTemplateSpec;
import io.vmtemplating.api.v1alpha1.types.HugePageSize;
import io.vmtemplating.api.v1alpha1.types.MemoryBackend;
import java.util.Optional;

/** Reads the API's Mi/Gi quantities and the memory defaults the API server would fill in. */
public final class MemorySizes {
    private MemorySizes() {
    }

    /** Mi/Gi (or "0") in MiB; the webhook has refused anything else before an object gets here. */
    public static long mebibytes(String quantity) {
        return io.vmtemplating.api.v1alpha1.types.Quantities.mebibytes(quantity).orElseThrow(() ->
                new IllegalArgumentException("'" + quantity + "' is not a size in Mi or Gi (e.g. 512Mi)"));
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
