package io.vmtemplating.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * What `vmt bench` was asked for, checked.
 *
 * @param kubeconfig the admin kubeconfig of a real API server for the operator and webhook parts; null for the mock
 */
record BenchOptions(Set<String> parts, int clones, int webhookSeconds, String kubeconfig) {
    /** What a plain `vmt bench` runs. */
    static final Set<String> ALL_PARTS = Set.of("launcher", "vm", "pool", BenchOptions.POOL_REAL_API, "nodes", "operator", "webhook");
    /** The pool's claims again through a real kube-apiserver (`make cluster`, started and stopped by the part). */
    static final String POOL_REAL_API = "pool-cluster";
    /**
     * Only on request: starts `make cluster NODE=kubelet` (root, containerd, the image; one real node per machine) and
     * stops it again.
     */
    static final String KUBELET = "kubelet";
    static final List<String> KNOWN_PARTS = List.of("launcher", "vm", "pool", POOL_REAL_API, "nodes", "operator", "webhook", KUBELET);
    /** A real API server serves these two parts; the others start QEMU on this machine and have nothing to run there. */
    static final Set<String> CLUSTER_PARTS = Set.of("operator", "webhook");

    static BenchOptions parse(String[] args) throws BadBenchInput {
        Set<String> parts = null;
        int clones = 1000;
        int webhookSeconds = 15;
        String kubeconfig = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--only" -> {
                    parts = Set.copyOf(Arrays.asList(value(args, ++i, "--only launcher,vm,pool,pool-cluster,nodes,operator,webhook,kubelet").split(",")));
                    List<String> unknown = parts.stream().filter(p -> !KNOWN_PARTS.contains(p)).sorted().toList();
                    if (!unknown.isEmpty()) {
                        throw new BadBenchInput("--only " + args[i] + ": no part named " + String.join(", ", unknown)
                                + "; pick from " + String.join(",", KNOWN_PARTS));
                    }
                }
                case "--clones" -> clones = positive(args, ++i, "--clones N", "--clones 1000");
                case "--webhook-seconds" -> webhookSeconds = positive(args, ++i, "--webhook-seconds S", "--webhook-seconds 15");
                case "--kubeconfig" -> kubeconfig = value(args, ++i, "--kubeconfig PATH");
                default -> throw new BadBenchInput("unknown option '" + args[i] + "'");
            }
        }
        if (parts == null) {
            parts = kubeconfig == null ? ALL_PARTS : CLUSTER_PARTS;
        }
        return new BenchOptions(parts, clones, webhookSeconds, kubeconfig);
    }

    private static String value(String[] args, int i, String option) throws BadBenchInput {
        if (i >= args.length) {
            throw new BadBenchInput(option.split(" ")[0] + " needs a value: " + option);
        }
        return args[i];
    }

    private static int positive(String[] args, int i, String option, String example) throws BadBenchInput {
        String text = value(args, i, option);
        try {
            int value = Integer.parseInt(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new BadBenchInput(option.split(" ")[0] + " " + text + ": a whole number above 0, e.g. " + example);
    }
}
