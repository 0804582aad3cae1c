package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Disk image formats QEMU reads for the template's boot disk. */
public enum DiskFormat {
    @JsonProperty("raw")
    RAW,
    @JsonProperty("qcow2")
    QCOW2
}
