package io.vmtemplating.qemu;

import java.util.List;

/**
 * What a clone adds after its restore; only things legal once the device state is loaded.
 *
 * @param virtioMemRequestedMiB 0: none; else the virtio-mem device's requested-size is raised to this
 * @param portForwards          added with HMP hostfwd_add on the user-mode network "net0"
 */
public record CloneAdditions(long virtioMemRequestedMiB, List<PortForward> portForwards) {
    public static final CloneAdditions NONE = new CloneAdditions(0, List.of());

    public CloneAdditions {
        portForwards = portForwards == null ? List.of() : List.copyOf(portForwards);
    }

    /** @param protocol "tcp" or "udp" */
    public record PortForward(String protocol, int hostPort, int guestPort) {
    }
}
