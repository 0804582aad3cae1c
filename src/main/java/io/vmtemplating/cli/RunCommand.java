package io.vmtemplating.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.local.KubeconfigSession;
import io.vmtemplating.local.LocalSession;
import io.vmtemplating.local.VmSession;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code vmt run -f FILE|DIR ... [--once] [-o yaml|json] [--timeout SECONDS] [--kubeconfig PATH [-n NAMESPACE]]}: the
 * user's own YAML on a cluster of this machine, or with --kubeconfig on that cluster (where the operator runs).
 * Prints each phase transition; with --once waits until every object settled, prints them and exits 1 if any
 * failed; otherwise runs until Ctrl-C. Either way what it created is deleted at the end (and the embedded cluster
 * stopped).
 */
final class RunCommand {
    static final String USAGE = "usage: vmt run -f FILE|DIR ... [--once] [-o yaml|json] [--timeout SECONDS] [--kubeconfig PATH [-n NAMESPACE]]";
    private RunCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        List<Path> files = new ArrayList<>();
        boolean once = false;
        Path kubeconfig = null;
        String namespace = null;
        String output = "yaml";
        Duration timeout = Duration.ofMinutes(10);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-f", "--filename" -> files.add(Path.of(requireValue(args, ++i, "-f")));
                case "--once" -> once = true;
                case "-o", "--output" -> output = requireValue(args, ++i, "-o");
                case "--timeout" -> timeout = Duration.ofSeconds(Long.parseLong(requireValue(args, ++i, "--timeout")));
                case "--kubeconfig" -> kubeconfig = Path.of(requireValue(args, ++i, "--kubeconfig"));
                case "-n", "--namespace" -> namespace = requireValue(args, ++i, "-n");
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'; " + USAGE);
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no input; " + USAGE);
        }
        if (namespace != null && kubeconfig == null) {
            throw new IllegalArgumentException("-n needs --kubeconfig: the embedded cluster uses the namespace default");
        }
        if (!output.equals("yaml") && !output.equals("json")) {
            throw new IllegalArgumentException("-o " + output + ": use yaml or json");
        }
        for (Path file : files) {
            if (!Files.exists(file)) {
                throw new IllegalArgumentException(file + ": no such file or directory");
            }
        }
        List<HasMetadata> objects = LocalSession.read(files);
        List<HasMetadata> created = new ArrayList<>();
        try (StopSignal stop = StopSignal.install("vmt run", err)) {
            VmSession session = kubeconfig == null ? LocalSession.start(err).closedByCallerOnExit()
                    : clusterSession(kubeconfig, namespace);
            try {
                err.println(session.describe());
                if (!stop.requested()) {
                    created.addAll(session.apply(objects, out, err));
                }
                return watch(session, objects, created, once, output, timeout, stop, out, err);
            } catch (Exception e) {
                if (!stop.requested()) {
                    throw e;
                }
                // the stop's interrupt ended a wait, however the wait reports it (fabric8 wraps it in its own exception)
                return 130; // stopped by a signal (the JVM then exits with the signal's own code)
            } finally {
                // this thread cleans up, the shutdown hook only waits for it (StopSignal)
                stop.cleaningUp();
                if (!created.isEmpty()) {
                    err.println("deleting " + created.size() + " object(s) and waiting for their pods and files to go ...");
                    session.delete(created, Duration.ofSeconds(60));
                }
                err.println(kubeconfig == null ? "stopping the local cluster ..." : "closing the connection ...");
                session.close();
                err.println("done");
            }
        }
    }

    /** Prints each phase change until Ctrl-C or, with --once, until everything settled; the exit code. */
    private static int watch(VmSession session, List<HasMetadata> objects, List<HasMetadata> created, boolean once,
            String output, Duration timeout, StopSignal stop, PrintStream out, PrintStream err) throws InterruptedException {
        Map<String, String> phases = new HashMap<>();
        Instant deadline = Instant.now().plus(timeout);
        boolean settled = false;
        while (!stop.requested() && (!once || Instant.now().isBefore(deadline))) {
            settled = true;
            for (HasMetadata object : created) {
                HasMetadata current = session.fetch(object);
                if (current == null) {
                    continue;
                }
                String phase = phase(current);
                String key = current.getKind() + "/" + current.getMetadata().getName();
                if (phase != null && !phase.equals(phases.put(key, phase))) {
                    out.println(key + " " + phase + message(current));
                }
                settled &= LocalSession.settled(current);
            }
            if (once && settled) {
                break;
            }
            stop.await(Duration.ofMillis(250));
        }
        if (!once || stop.requested()) {
            return 0;
        }
        int exit = 0;
        for (HasMetadata object : created) {
            HasMetadata current = session.fetch(object);
            out.println(output.equals("json") ? Serialization.asJson(current) : Serialization.asYaml(current));
            if (current == null || LocalSession.failed(current)) {
                exit = 1;
            }
        }
        if (!settled) {
            err.println("not settled within " + timeout.toSeconds() + " s");
            exit = 1;
        }
        if (created.size() < objects.size()) {
            exit = 1; // some objects were denied
        }
        return exit;
    }

    /** The cluster of a kubeconfig, checked now: an unusable one is one line naming the flag and the fix. */
    static VmSession clusterSession(Path kubeconfig, String namespace) {
        try {
            ClusterConnection connection = ClusterConnection.fromKubeconfig(kubeconfig.toString(), Map.of());
            KubernetesClient client = connection.connect(KubernetesClient::getKubernetesVersion);
            String ns = namespace != null ? namespace
                    : connection.config().getNamespace() != null ? connection.config().getNamespace() : "default";
            return new KubeconfigSession(client, ns);
        } catch (ClusterConnection.BadInput e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static String phase(HasMetadata object) {
        if (object instanceof VmTemplate t && t.getStatus() != null && t.getStatus().phase() != null) {
            return t.getStatus().phase().name();
        }
        if (object instanceof VmClone c && c.getStatus() != null && c.getStatus().phase() != null) {
            return c.getStatus().phase().name();
        }
        return null;
    }

    private static String message(HasMetadata object) {
        var conditions = object instanceof VmTemplate t ? t.getStatus().conditions()
                : ((VmClone) object).getStatus().conditions();
        if (conditions == null || conditions.isEmpty() || conditions.get(0).message() == null) {
            return "";
        }
        return ": " + conditions.get(0).message();
    }

    static String requireValue(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
