package io.vmtemplating.webhook.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vmtemplating.webhook.Fixtures;

import java.net.InetAddress;
import java.util.HashMap;

/**
 * A fabric8 mock API server on 127.0.0.1 holding the benchmark's VmTemplate, so the webhook's clone endpoint
 * does its real template lookup during {@link WebhookBenchmark}. Prints the URL to pass to the webhook as
 * quarkus.kubernetes-client.api-server-url, then serves until killed.
 */
public final class BenchmarkApiServer {

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), port);
        try (KubernetesClient client = server.createClient()) {
            client.resource(Fixtures.template()).inNamespace("default").create();
        }
        System.out.println("api-server-url=" + server.url("/"));
        Thread.currentThread().join();
    }
}
