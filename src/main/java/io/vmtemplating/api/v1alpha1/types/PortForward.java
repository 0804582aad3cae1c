package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** A port of the clone pod forwarded into the guest through user-mode NAT, added after the restore. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PortForward(
        @Default("tcp")
        @JsonPropertyDescription("tcp or udp.")
        PortProtocol protocol,
        @Required @Min(1024) @Max(65535)
        @JsonPropertyDescription("Port the clone pod listens on (1024-65535), exposed as a container port.")
        Integer podPort,
        @Required @Min(1) @Max(65535)
        @JsonPropertyDescription("Port inside the guest.")
        Integer guestPort) {
}
