package io.vmtemplating.bench;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real API server {@code vmt bench --kubeconfig PATH} measures the operator and the webhook against, checked once
 * before anything starts: the file reads, the server answers, and the user may do what the bench does (install
 * CRDs and RBAC, register a webhook): a cluster admin.
 *
 * @param version the server's gitVersion, e.g. v1.34.4
 */
record ClusterTarget(Path kubeconfig, Config config, String version) {
    private static final String FIX = "pass the admin kubeconfig of a running cluster (bash hack/cluster/up.sh prints its path)";

    /** How results.json and the summary name the server. */
    String describe() {
        return "kube-apiserver " + version;
    }

    KubernetesClient client() {
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    static ClusterTarget connect(String flag) throws BadBenchInput {
        Path file = Path.of(flag);
        String source = "--kubeconfig " + flag;
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new BadBenchInput(source + ": cannot read that file; " + FIX);
        }
        Config config;
        try {
            config = Config.fromKubeconfig(file.toFile());
            io.vmtemplating.cli.ClusterConnection.fillClientKeyAlgorithm(config);
        } catch (RuntimeException e) {
            // YAML errors included: whatever makes the file unusable is told in one line
            throw new BadBenchInput(source + ": not a usable kubeconfig (" + firstLine(rootCause(e)) + "); " + FIX);
        }
        if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
            throw new BadBenchInput(source + ": names no API server (no cluster server in its current context); " + FIX);
        }
        // fail fast: the client's default retries would take a minute and more to say the server is down
        Config once = new ConfigBuilder(config).withRequestRetryBackoffLimit(0).withConnectionTimeout(5_000)
                .withRequestTimeout(10_000).build();
        String url = config.getMasterUrl();
        try (KubernetesClient probe = new KubernetesClientBuilder().withConfig(once).build()) {
            String version = probe.getKubernetesVersion().getGitVersion();
            SelfSubjectAccessReview review = probe.authorization().v1().selfSubjectAccessReview().create(
                    new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
                            .withVerb("*").withGroup("*").withResource("*").endResourceAttributes().endSpec().build());
            if (review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAllowed())) {
                throw new BadBenchInput(source + ": its user is not a cluster admin at " + url + ", and the bench installs"
                        + " CRDs and RBAC and registers a webhook; " + FIX);
            }
            return new ClusterTarget(file.toAbsolutePath(), config, version);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 401 || e.getCode() == 403) {
                throw new BadBenchInput(source + ": the API server at " + url + " refused its user (HTTP " + e.getCode() + "); " + FIX);
            }
            throw new BadBenchInput(source + ": cannot reach the API server at " + url + " (" + firstLine(rootCause(e))
                    + "); is the cluster up? (bash hack/cluster/up.sh)");
        }
    }

    private static String firstLine(String message) {
        return message.strip().split("\n", 2)[0];
    }

    /** The innermost message: "Connection refused" rather than fabric8's wrapping of it. */
    static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
