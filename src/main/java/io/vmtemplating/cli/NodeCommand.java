package io.vmtemplating.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.vmtemplating.cli.ClusterConnection.BadInput;
import io.vmtemplating.local.LocalNode;
import io.vmtemplating.local.LocalSession;
import io.vmtemplating.local.NodeMode;
import io.vmtemplating.local.PodEnvironment;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

/**
 * {@code vmt node [--kubeconfig PATH] [--name NAME] --root DIR}: this machine as a node of a real cluster. Registers
 * a Node and its heartbeat Lease, runs the pods the cluster's scheduler binds to it as local processes, until SIGTERM
 * or SIGINT; then stops every pod it started. Bad input is one line naming the flag and the fix, exit code 2.
 */
final class NodeCommand {
    static final String USAGE = "usage: vmt node [--kubeconfig PATH] [--name NAME] --root DIR";
    /** A Node's name is a DNS subdomain (and its Lease's too). */
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private NodeCommand() {
    }

    /** What the user asked for, checked. */
    record Options(ClusterConnection cluster, String nodeName, Path root) {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            out.println(USAGE);
            return 0;
        }
        Options options;
        KubernetesClient client;
        try {
            options = parse(args, System.getenv());
            // the node reads its own Node first thing: a user that may not is told now, not in a heartbeat's log
            client = options.cluster().connect(probe -> probe.nodes().withName(options.nodeName()).get());
        } catch (BadInput e) {
            err.println("vmt node: " + e.getMessage());
            return 2;
        }
        try (client) {
            return serve(client, options, err);
        }
    }

    static Options parse(String[] args, Map<String, String> env) throws BadInput {
        String kubeconfig = null;
        String name = NodeMode.DEFAULT_NODE_NAME;
        String root = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--kubeconfig" -> kubeconfig = value(args, ++i, "--kubeconfig PATH");
                case "--name" -> name = value(args, ++i, "--name NAME");
                case "--root" -> root = value(args, ++i, "--root DIR");
                default -> throw new BadInput("unknown option '" + args[i] + "'; " + USAGE);
            }
        }
        if (root == null) {
            throw new BadInput("--root DIR is missing: the directory the node keeps its pods' files and host paths"
                    + " in, e.g. --root /dev/shm/vmt-node (tmpfs is best: template memory lives there)");
        }
        if (!DNS_SUBDOMAIN.matcher(name).matches() || name.length() > 253) {
            throw new BadInput("--name " + name + ": a node name is a lowercase DNS name (a-z, 0-9, '-', '.'),"
                    + " e.g. --name " + NodeMode.DEFAULT_NODE_NAME);
        }
        Path rootDir = Path.of(root).toAbsolutePath().normalize();
        try {
            Files.createDirectories(rootDir);
        } catch (IOException e) {
            throw new BadInput("--root " + root + ": cannot create it (" + e.getMessage()
                    + "); pick a directory you can write");
        }
        return new Options(ClusterConnection.fromKubeconfig(kubeconfig, env), name, rootDir);
    }

    private static int serve(KubernetesClient client, Options options, PrintStream err) throws Exception {
        LocalNode node = new LocalNode(client, options.root(), List.of(LocalSession.home().resolve("vmt").toString()),
                PodEnvironment.inherited(System.getenv()), NodeMode.kubelet(options.nodeName()), err);
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM and SIGINT run the shutdown hooks: the node stops its pods there, on every way out of the JVM
        Thread shutdown = new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "vmt-node-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        try {
            node.start();
        } catch (IOException | RuntimeException e) {
            Runtime.getRuntime().removeShutdownHook(shutdown);
            node.close();
            throw e;
        }
        err.println("node " + options.nodeName() + " registered with " + options.cluster().config().getMasterUrl()
                + ", running its pods (root " + options.root() + "); stop with Ctrl-C or SIGTERM");
        stopped.await();
        return 0;
    }

    private static String value(String[] args, int i, String option) throws BadInput {
        if (i >= args.length) {
            throw new BadInput(option.split(" ")[0] + " needs a value: " + option);
        }
        return args[i];
    }
}
