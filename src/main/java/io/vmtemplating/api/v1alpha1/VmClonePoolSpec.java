package io.vmtemplating.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import io.vmtemplating.api.v1alpha1.types.CloneMemorySpec;
import io.vmtemplating.api.v1alpha1.types.PoolTemplateRef;
import io.vmtemplating.api.v1alpha1.types.PortForward;
import java.util.List;

/** Warm members: clones of a template kept restored and paused, handed to claims in milliseconds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VmClonePoolSpec(
        @Required
        @JsonPropertyDescription("The VmTemplate members restore from, in the same namespace. May change: members are then replaced.")
        PoolTemplateRef templateRef,
        @Default("1") @Min(0) @Max(100)
        @SpecReplicas
        @JsonPropertyDescription("Warm members kept restored and paused (the scale subresource: kubectl scale, a HorizontalPodAutoscaler).")
        Integer replicas,
        @JsonPropertyDescription("Members' memory: expectedPrivate is what each pod requests beyond the operator's overhead.")
        CloneMemorySpec memory,
        @Size(max = 32)
        @JsonPropertyDescription("Pod ports forwarded into each member's guest (needs the template's devices.network.mode user).")
        List<PortForward> portForwards) {
}
