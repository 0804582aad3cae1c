package io.vmtemplating.local;

import io.vmtemplating.reconciler.OperatorSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine a local node runs on, gathered once at start: what its Node object reports.
 *
 * @param runtimeVersion this project's version, reported as the node's container runtime
 */
public record NodeFacts(String nodeName, NodeCapacity capacity, String machineId, String bootId, String kernelVersion,
        String osImage, String runtimeVersion) {
    /** The Kubernetes release whose kubelet this node stands in for (the control plane hack/cluster builds). */
    public static final String KUBERNETES_VERSION = "v1.34.4";
    private static final Pattern PRETTY_NAME = Pattern.compile("(?m)^PRETTY_NAME=\"?([^\"\\n]*)\"?$");

    public static NodeFacts ofThisMachine(String nodeName, Path root) throws IOException {
        String image = OperatorSettings.DEFAULTS.launcherImage();
        return new NodeFacts(nodeName, NodeCapacity.ofThisMachine(root), read("/etc/machine-id"),
                read("/proc/sys/kernel/random/boot_id"), System.getProperty("os.version"),
                osImage(read("/etc/os-release")), image.substring(image.lastIndexOf(':') + 1));
    }

    /** /etc/os-release's PRETTY_NAME, as kubelet reports osImage. */
    static String osImage(String osRelease) {
        Matcher name = PRETTY_NAME.matcher(osRelease);
        return name.find() ? name.group(1) : "Linux";
    }

    /** A file's text, or "" where this machine has none (a container without /etc/machine-id). */
    private static String read(String path) {
        try {
            return Files.readString(Path.of(path)).strip();
        } catch (IOException e) {
            return "";
        }
    }

    public String kubeletVersion() {
        return KUBERNETES_VERSION + "-vmt-local-node";
    }

    public String containerRuntimeVersion() {
        return "vmt-local-node://" + runtimeVersion;
    }
}
