package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Guest networking: QEMU user-mode NAT (slirp, no host privileges) or no network device. */
public enum NetworkMode {
    @JsonProperty("none")
    NONE,
    @JsonProperty("user")
    USER
}
