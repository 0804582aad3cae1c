package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** Data a clone's guest receives after the restore (its template must declare spec.claimData). Immutable. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self == oldSelf", message = "claimData is immutable: it is delivered once, when the clone starts")
public record ClaimDataSource(
        @JsonPropertyDescription("A Secret in the clone's namespace whose keys become files data/<key> in the template's"
                + " spec.claimData.directory. Whoever creates the VmClone must be allowed to get this Secret.")
        SecretRef secretRef) {
}
