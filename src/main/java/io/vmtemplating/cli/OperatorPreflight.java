package io.vmtemplating.cli;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Before {@code vmt operator} starts Quarkus: is there a cluster, and does it answer this operator? Without the check
 * a machine with no cluster saw 20 s of retries and 318 lines of stack traces ending in "UnknownHostException:
 * kubernetes.default.svc"; now it is one line within seconds. The credentials are where the operator's own
 * client looks (fabric8's auto-configuration, in its order: $KUBECONFIG, ~/.kube/config, the pod's service account).
 */
final class OperatorPreflight {
    static final Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    private OperatorPreflight() {
    }

    /** @return the line to print when the operator cannot run against any cluster, else empty */
    static Optional<String> problem(Map<String, String> env, Path home, Path serviceAccountToken) {
        try {
            ClusterConnection connection = connection(env, home, serviceAccountToken);
            // what the operator does first: list its resources in every namespace (also tells whether the CRDs are in)
            KubernetesClient checked = connection.connect(client -> {
                try {
                    client.resources(VmTemplate.class).inAnyNamespace().list(new ListOptionsBuilder().withLimit(1L).build());
                } catch (KubernetesClientException e) {
                    if (e.getCode() == 404) {
                        throw new CrdsMissing();
                    }
                    throw e;
                }
            });
            checked.close(); // Quarkus builds its own client
            return Optional.empty();
        } catch (ClusterConnection.BadInput e) {
            return Optional.of(e.getMessage());
        } catch (CrdsMissing e) {
            return Optional.of("the cluster has no VmTemplate resource: install the CRDs (kubectl apply -f crds/)");
        }
    }

    /** Where fabric8 would find the cluster, in its order; none means it would guess kubernetes.default.svc. */
    private static ClusterConnection connection(Map<String, String> env, Path home, Path serviceAccountToken)
            throws ClusterConnection.BadInput {
        String kubeconfig = env.get("KUBECONFIG");
        if (kubeconfig != null && !kubeconfig.isBlank()) {
            return ClusterConnection.fromKubeconfig(null, env);
        }
        Path userKubeconfig = home == null ? null : home.resolve(".kube/config");
        if (userKubeconfig != null && Files.isRegularFile(userKubeconfig)) {
            try {
                Config config = Config.fromKubeconfig(userKubeconfig.toFile());
                ClusterConnection.fillClientKeyAlgorithm(config);
                return new ClusterConnection(config, userKubeconfig.toString());
            } catch (KubernetesClientException | IllegalArgumentException e) {
                throw new ClusterConnection.BadInput(userKubeconfig + ": not a usable kubeconfig ("
                        + ClusterConnection.rootCause(e) + "); set KUBECONFIG to your cluster's kubeconfig");
            }
        }
        if (env.get("KUBERNETES_SERVICE_HOST") != null && Files.isRegularFile(serviceAccountToken)) {
            Config config = Config.autoConfigure(null);
            return new ClusterConnection(config, "the pod's service account");
        }
        throw new ClusterConnection.BadInput("no kubeconfig or in-cluster credentials found; set KUBECONFIG to your"
                + " cluster's kubeconfig (make cluster prints where it is)");
    }

    private static final class CrdsMissing extends RuntimeException {
        CrdsMissing() {
            super(null, null, false, false);
        }
    }
}
