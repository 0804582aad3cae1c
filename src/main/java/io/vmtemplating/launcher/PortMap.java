package io.vmtemplating.launcher;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which port a container port really is on, for nodes without a network namespace per pod. On a real node every
 * pod has its own: the launcher listens on {@link PodContract#HTTP_PORT} and the map is empty. The local node runs
 * pods as processes on the host's network, where 8080 may belong to anyone (a developer's web server on
 * 0.0.0.0:8080 takes it on every loopback address): it gives the port a free one, tells the container in
 * {@code VMT_PORT_MAP} and the operator in a pod condition of type {@link #CONDITION_TYPE} whose message is the same
 * text (a kubelet may write only its pods' status, so neither an annotation nor the spec). Format:
 * {@code containerPort=nodePort,...}. docs/launcher.md, "Ports on the local node".
 */
public record PortMap(Map<Integer, Integer> nodePorts) {
    public static final String ENV_PORT_MAP = "VMT_PORT_MAP";
    /** A qualified name, as the API server requires of conditions that are not the kubelet's own. */
    public static final String CONDITION_TYPE = "vmtemplating.io/PortMap";
    public static final PortMap IDENTITY = new PortMap(Map.of());

    public PortMap {
        nodePorts = Map.copyOf(nodePorts);
    }

    /** @param text null or blank: the identity */
    public static PortMap parse(String text) {
        if (text == null || text.isBlank()) {
            return IDENTITY;
        }
        Map<Integer, Integer> ports = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            String[] pair = entry.strip().split("=");
            try {
                if (pair.length != 2) {
                    throw new NumberFormatException();
                }
                ports.put(Integer.parseInt(pair[0].strip()), Integer.parseInt(pair[1].strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(ENV_PORT_MAP + ": entry '" + entry + "' is not containerPort=nodePort");
            }
        }
        return new PortMap(ports);
    }

    /** Where the container port is reachable: its node port, or itself when not mapped. */
    public int nodePort(int containerPort) {
        return nodePorts.getOrDefault(containerPort, containerPort);
    }

    /** The text {@link #parse} reads, in container-port order. */
    public String render() {
        StringBuilder text = new StringBuilder();
        nodePorts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (text.length() > 0) {
                text.append(',');
            }
            text.append(e.getKey()).append('=').append(e.getValue());
        });
        return text.toString();
    }
}
