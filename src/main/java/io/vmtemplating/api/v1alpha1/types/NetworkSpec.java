package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/**
 * The guest's network device. Port forwards belong to clones (VmClone.spec.portForwards): every clone
 * of a template would otherwise claim the same host port.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkSpec(
        @Default("none")
        @JsonPropertyDescription("none: no network device. user: a virtio-net NIC on QEMU's user-mode NAT; clones add port forwards.")
        NetworkMode mode) {
}
