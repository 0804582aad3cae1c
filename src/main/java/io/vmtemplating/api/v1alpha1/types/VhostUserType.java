package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonProperty;

/** vhost-user device kinds. Listed so a request for one gets a clear rejection, not an unknown-field error. */
public enum VhostUserType {
    @JsonProperty("blk")
    BLK,
    @JsonProperty("net")
    NET,
    @JsonProperty("fs")
    FS,
    @JsonProperty("vsock")
    VSOCK
}
