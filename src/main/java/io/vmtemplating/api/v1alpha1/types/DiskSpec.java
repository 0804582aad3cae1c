package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;

/**
 * The boot disk. It is attached read-only to the template and every clone: clones share the template's
 * page cache, so a disk that changed after the freeze would contradict what every clone's guest believes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DiskSpec(
        @Required
        @JsonPropertyDescription("Where the disk image comes from. Attached read-only (virtio-blk) to the template and all clones.")
        FileSource source,
        @Default("raw")
        @JsonPropertyDescription("Image format: raw or qcow2.")
        DiskFormat format) {
}
