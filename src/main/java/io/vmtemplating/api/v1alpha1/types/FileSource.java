package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** Where a boot file comes from: exactly one of hostPath, persistentVolumeClaim or image. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "[has(self.hostPath), has(self.persistentVolumeClaim), has(self.image)].filter(x, x).size() == 1",
        message = "set exactly one of hostPath, persistentVolumeClaim or image")
public record FileSource(
        @JsonPropertyDescription("A file on the node.")
        HostPathSource hostPath,
        @JsonPropertyDescription("A file inside a PersistentVolumeClaim of the same namespace.")
        PersistentVolumeClaimSource persistentVolumeClaim,
        @JsonPropertyDescription("A file inside an OCI image (image volume).")
        ImageSource image) {
}
