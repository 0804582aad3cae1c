package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.Pod;
import io.vmtemplating.launcher.PortMap;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A container's readiness probe: HTTP GET on its probe path at the pod's address; no probe means ready. */
final class ReadinessProbe {
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** @param ports where the container's ports are on this node (the probe names the container port) */
    boolean ready(Pod pod, String ip, PortMap ports) {
        var probe = pod.getSpec().getContainers().get(0).getReadinessProbe();
        if (probe == null || probe.getHttpGet() == null) {
            return true;
        }
        try {
            int port = ports.nodePort(probe.getHttpGet().getPort().getIntVal());
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://" + ip + ":" + port + probe.getHttpGet().getPath()))
                    .timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() / 100 == 2;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
