package io.vmtemplating.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real Kubernetes control plane the end-to-end suite runs against, shared by every test class of one JVM:
 * started once with hack/cluster/up.sh in target/e2e-cluster (its own free ports, its own node root) and stopped
 * with hack/cluster/down.sh when the JVM ends. With VMT_E2E_KUBECONFIG set, a cluster that is already up (`make
 * cluster`) is used instead and left running.
 */
public final class RealCluster {
    private static final Path REPO = Path.of("").toAbsolutePath();
    private static Started started;

    /** What up.sh left: its state directory and the admin kubeconfig in it. */
    private record Started(Path dir, Path kubeconfig, KubernetesClient client) {
    }

    /** A command's exit code and output. */
    public record Result(int exitCode, String stdout, String stderr) {
        public String output() {
            return stdout + stderr;
        }
    }

    private RealCluster() {
    }

    public static KubernetesClient client() {
        return started().client();
    }

    public static Path kubeconfig() {
        return started().kubeconfig();
    }

    /** The cluster's state directory (certificates, logs, audit.log, ports.env). */
    public static Path dir() {
        return started().dir();
    }

    public static Path auditLog() {
        return dir().resolve("audit.log");
    }

    /** A fresh namespace for one test class, at the privileged Pod Security level VM pods need (README). */
    public static String namespace(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
        client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                .addToLabels("pod-security.kubernetes.io/enforce", "privileged").endMetadata().build()).create();
        return name;
    }

    /** The pinned kubectl (built with the servers) against this cluster, as a user types it. */
    public static Result kubectl(String... args) {
        List<String> command = new ArrayList<>(List.of(dir().resolve("bin/kubectl").toString(),
                "--kubeconfig", kubeconfig().toString()));
        command.addAll(List.of(args));
        return run(command, Map.of(), 120);
    }

    /** Where a host path of the local node is on this machine. */
    public static Path onNode(String hostPath) {
        return nodeRoot().resolve(hostPath.replaceFirst("^/+", ""));
    }

    private static Path nodeRoot() {
        return Path.of(run(List.of("bash", "-c", ". hack/cluster/lib.sh && node_root_of \"$0\"", dir().toString()),
                Map.of(), 10).stdout().strip());
    }

    private static synchronized Started started() {
        if (started == null) {
            started = start();
        }
        return started;
    }

    private static Started start() {
        String existing = System.getenv("VMT_E2E_KUBECONFIG");
        if (existing != null && !existing.isBlank()) {
            Path kubeconfig = Path.of(existing).toAbsolutePath();
            return new Started(kubeconfig.getParent(), kubeconfig, connect(kubeconfig));
        }
        Path dir = REPO.resolve("target/e2e-cluster");
        Map<String, String> env = Map.of("VMT_CLUSTER_DIR", dir.toString());
        // stopped however the JVM ends (tests done, failure, SIGTERM/SIGINT of the build)
        Runtime.getRuntime().addShutdownHook(new Thread(() -> run(List.of("bash", "hack/cluster/down.sh"), env, 180)));
        Result up = run(List.of("bash", "hack/cluster/up.sh"), env, 1800);
        if (up.exitCode() != 0) {
            throw new IllegalStateException("hack/cluster/up.sh failed (exit " + up.exitCode() + "):\n" + up.stderr());
        }
        Path kubeconfig = Path.of(up.stdout().strip().lines().reduce((a, b) -> b).orElseThrow());
        return new Started(dir, kubeconfig, connect(kubeconfig));
    }

    private static KubernetesClient connect(Path kubeconfig) {
        try {
            Config config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
            return new KubernetesClientBuilder().withConfig(config).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a command in the repository; its stderr is also echoed, so up.sh's progress shows in the build log. */
    static Result run(List<String> command, Map<String, String> env, long timeoutSeconds) {
        try {
            Path out = Files.createTempFile("vmt-e2e", ".out");
            Path err = Files.createTempFile("vmt-e2e", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(REPO.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                builder.environment().putAll(env);
                Process process = builder.start();
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor();
                    throw new IllegalStateException(String.join(" ", command) + " did not end within " + timeoutSeconds
                            + " s; stderr:\n" + Files.readString(err));
                }
                String stderr = Files.readString(err, StandardCharsets.UTF_8);
                if (command.get(0).equals("bash")) {
                    System.err.print(stderr);
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), stderr);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }
}
