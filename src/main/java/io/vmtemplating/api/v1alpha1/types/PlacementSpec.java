package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** Where the template's pod may run; its clones always run on the same node. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlacementSpec(
        @JsonPropertyDescription("Node labels the template's node must have (pod nodeSelector).")
        Map<String, String> nodeSelector,
        @JsonPropertyDescription("Tolerations of the template's pod; clone pods get the same.")
        List<Toleration> tolerations,
        @JsonPropertyDescription("Affinity of the template's pod.")
        Affinity affinity) {
}
