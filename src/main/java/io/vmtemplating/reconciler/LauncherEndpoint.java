package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.vmtemplating.launcher.PodContract;
import io.vmtemplating.launcher.PortMap;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Where a launcher pod's HTTP endpoint is: its pod IP and port 8080, or the port its node recorded in the pod's
 * {@link PortMap#CONDITION_TYPE} condition (the local node, which has no network namespace per pod).
 */
final class LauncherEndpoint {
    private LauncherEndpoint() {
    }

    /** Empty while the pod has no IP yet. */
    static Optional<URI> of(Pod pod) {
        String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        if (ip == null || ip.isBlank()) {
            return Optional.empty();
        }
        String host = ip.contains(":") ? "[" + ip + "]" : ip;
        return Optional.of(URI.create("http://" + host + ":" + portMap(pod).nodePort(PodContract.HTTP_PORT)));
    }

    static PortMap portMap(Pod pod) {
        List<PodCondition> conditions = pod.getStatus() == null || pod.getStatus().getConditions() == null
                ? List.of() : pod.getStatus().getConditions();
        return conditions.stream().filter(c -> PortMap.CONDITION_TYPE.equals(c.getType())).findFirst()
                .map(c -> {
                    try {
                        return PortMap.parse(c.getMessage());
                    } catch (IllegalArgumentException e) {
                        return PortMap.IDENTITY; // not ours to fix: the launcher is then asked on its contract port
                    }
                })
                .orElse(PortMap.IDENTITY);
    }
}
