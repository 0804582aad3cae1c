package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Escape hatch to QEMU's command line, limited to an allow-list the webhook checks. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QemuSpec(
        @Size(max = 64)
        @JsonPropertyDescription("Extra QEMU arguments appended last. Only an allow-list of options passes (see README): nothing that configures memory, migration, host files or multi-process QEMU.")
        List<@Size(max = 1024) String> extraArgs) {
}
