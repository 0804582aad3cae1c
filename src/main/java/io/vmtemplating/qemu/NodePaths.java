package io.vmtemplating.qemu;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Directories on the node, derived from UIDs by the caller (never from user strings).
 *
 * @param memoryDir tmpfs or hugetlbfs directory holding THIS template's memory files (one per backend id)
 * @param stateDir  directory holding this template's device state and metadata.json
 * @param runDir    directory for the sockets and log of this one QEMU instance (template or clone)
 */
public record NodePaths(Path memoryDir, Path stateDir, Path runDir) {
    public static final String STATE_FILE = "state";
    public static final String METADATA_FILE = "metadata.json";

    public NodePaths {
        Objects.requireNonNull(memoryDir, "memoryDir");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(runDir, "runDir");
    }

    public Path stateFile() {
        return stateDir.resolve(STATE_FILE);
    }

    public Path metadataFile() {
        return stateDir.resolve(METADATA_FILE);
    }

    public Path qmpSocket() {
        return runDir.resolve("qmp.sock");
    }

    public Path serialSocket() {
        return runDir.resolve("serial.sock");
    }

    public Path qemuLog() {
        return runDir.resolve("qemu.log");
    }

    /** The memory file of one backend: its name is the backend id, so argv and files agree without a table. */
    public Path memoryFile(String backendId) {
        return memoryDir.resolve(backendId);
    }
}
