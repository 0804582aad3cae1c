package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Guest RAM: its size and the node file system that holds the template's copy of it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.backend != 'hugetlbfs' || has(self.hugePageSize)",
        message = "memory.hugePageSize is required when memory.backend is hugetlbfs (2Mi or 1Gi)")
public record MemorySpec(
        @Required @Pattern(Quantities.MEBI_GIBI_PATTERN)
        @JsonPropertyDescription("Guest RAM, in Mi or Gi (e.g. 512Mi). All of it lives in file-backed memory on the node.")
        String size,
        @Default("tmpfs")
        @JsonPropertyDescription("Node file system holding guest RAM: tmpfs (4 KiB pages, /dev/shm) or hugetlbfs (huge pages; needs hugePageSize and free huge pages for every clone's copy-on-write).")
        MemoryBackend backend,
        @JsonPropertyDescription("Huge page size for backend hugetlbfs: 2Mi or 1Gi. memory.size and every NUMA node size must be a multiple of it.")
        HugePageSize hugePageSize,
        @JsonPropertyDescription("Guest NUMA nodes. Each gets its own memory file backed like the rest; their sizes add up to memory.size. Empty: one node.")
        List<NumaNode> numaNodes) {
}
