package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Transport of a port forward. */
public enum PortProtocol {
    @JsonProperty("tcp")
    TCP,
    @JsonProperty("udp")
    UDP
}
