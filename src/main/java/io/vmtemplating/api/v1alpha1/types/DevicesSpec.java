package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import java.util.List;

/** The guest's devices. Clones get exactly the same set: device state only restores into the same shape. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DevicesSpec(
        @JsonPropertyDescription("Network device: none (default) or user-mode NAT.")
        NetworkSpec network,
        @JsonPropertyDescription("virtio-balloon, statistics only.")
        BalloonSpec balloon,
        @JsonPropertyDescription("virtio-mem device with its own private memory; requested size 0 on the template.")
        VirtioMemSpec virtioMem,
        @JsonPropertyDescription("vhost-user devices: not supported with templating (always rejected; listed for a clear error).")
        List<VhostUserDevice> vhostUser,
        @Default("true")
        @JsonPropertyDescription("Add a vmgenid device with a new generation ID per clone, so guests that support it (CONFIG_VMGENID) reseed their RNG: otherwise all clones share the template's random state.")
        Boolean vmgenid,
        @Default("true")
        @JsonPropertyDescription("Add a virtio-rng device fed by the host's /dev/urandom.")
        Boolean rng,
        @Default("true")
        @JsonPropertyDescription("Connect the guest's first serial port (ttyS0); its output is the pod's log.")
        Boolean serialConsole) {
}
