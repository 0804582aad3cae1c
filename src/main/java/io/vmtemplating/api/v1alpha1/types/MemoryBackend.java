package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where guest RAM lives on the node: a file on tmpfs (4 KiB pages) or on hugetlbfs. */
public enum MemoryBackend {
    @JsonProperty("tmpfs")
    TMPFS,
    @JsonProperty("hugetlbfs")
    HUGETLBFS
}
