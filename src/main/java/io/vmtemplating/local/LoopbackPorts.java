package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.vmtemplating.launcher.PortMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ports for processes that share this machine's network: the kernel's pick of a port free on the address (free
 * on it and on 0.0.0.0, so a developer's server on 0.0.0.0:8080 is no obstacle). It is released before the process
 * binds it: another process could take it in between, the ordinary risk of any "free port" (a pod then fails and
 * says "Address already in use", as it would on a node).
 */
public final class LoopbackPorts {
    /** The container port a local node gives a port of its own: the launcher's HTTP endpoint. */
    static final String MAPPED_PORT_NAME = "http";

    private LoopbackPorts() {
    }

    public static int free(String ip) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + ip + ": " + e.getMessage(), e);
        }
    }

    /**
     * The node ports of a pod's container: its port named {@value #MAPPED_PORT_NAME} gets a free one. Other ports (a
     * clone's port forwards, which QEMU binds as declared) keep their numbers: the map says only what is true.
     */
    static PortMap allocate(Container container, String ip) {
        Map<Integer, Integer> ports = new LinkedHashMap<>();
        List<ContainerPort> declared = container.getPorts() == null ? List.of() : container.getPorts();
        for (ContainerPort port : declared) {
            if (MAPPED_PORT_NAME.equals(port.getName()) && port.getContainerPort() != null) {
                ports.put(port.getContainerPort(), free(ip));
            }
        }
        return new PortMap(ports);
    }
}
