package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What the clone's guest acknowledged (its template declares spec.claimData). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClaimDataStatus(
        @JsonPropertyDescription("The guest directory the files went to.")
        String directory,
        @JsonPropertyDescription("Files written (name, namespace, uid, one per Secret key, ready).")
        Integer files,
        @JsonPropertyDescription("The Secret's resourceVersion delivered; later changes of the Secret are not delivered.")
        String secretResourceVersion,
        @JsonPropertyDescription("The launcher's request to the guest agent's last acknowledgement, in milliseconds.")
        Long deliveryMillis) {
}
