package io.vmtemplating.local;

import java.nio.file.Path;

/** The local node's file system: every host path of a pod lives under one root directory. */
final class NodeRoot {
    private NodeRoot() {
    }

    /** "/dev/shm/vmtemplating/UID" → ROOT/dev/shm/vmtemplating/UID; ".." cannot climb out of the root. */
    static Path onNode(Path root, String hostPath) {
        Path resolved = root.resolve(hostPath.replaceFirst("^/+", "")).normalize();
        if (!resolved.startsWith(root)) {
            throw new IllegalArgumentException("host path " + hostPath + " leaves the node root");
        }
        return resolved;
    }
}
