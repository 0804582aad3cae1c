package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/**
 * A vhost-user device. Always rejected: the back-end process needs real shared guest memory, and clones map
 * the template's memory privately (a vhost-user-blk clone restores with a dead disk).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VhostUserDevice(
        @Required
        @JsonPropertyDescription("blk, net, fs or vsock.")
        VhostUserType type,
        @Required
        @JsonPropertyDescription("Path of the back-end's socket.")
        String socketPath) {
}
