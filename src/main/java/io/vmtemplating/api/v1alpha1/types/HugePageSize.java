package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The huge page sizes x86_64 nodes offer; names as in the pod resource {@code hugepages-<size>}. */
public enum HugePageSize {
    @JsonProperty("2Mi")
    SIZE_2MI(2),
    @JsonProperty("1Gi")
    SIZE_1GI(1024);

    private final long mebibytes;

    HugePageSize(long mebibytes) {
        this.mebibytes = mebibytes;
    }

    public long mebibytes() {
        return mebibytes;
    }
}
