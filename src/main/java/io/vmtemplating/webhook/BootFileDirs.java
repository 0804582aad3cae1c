package io.vmtemplating.webhook;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The node directories a boot file's hostPath may name: the cluster admin's allow-list (operator setting
 * {@code vmt.boot-file-dirs}). Admission checks the path as written; the launcher checks it again with symbolic links
 * resolved, inside the directory its pod mounts ({@code BootFileCheck}). Pure: no file system access here.
 *
 * @param dirs absolute, normalized directories, none of them "/" and none holding or inside a
 *             {@link #DENIED denied} directory
 */
public record BootFileDirs(List<String> dirs) {

    /**
     * Directories no allow-list may open, wholly or in part: host secrets and state, devices, the kubelet's and the
     * container runtime's data, and the operator's own template files (a template's memory holds its secrets).
     */
    static final List<String> DENIED = List.of("/etc", "/root", "/home", "/proc", "/sys", "/dev", "/run", "/var/run",
            "/var/lib/kubelet", "/var/lib/containerd", "/var/lib/docker", "/var/lib/etcd", "/var/log",
            "/var/lib/vmtemplating/templates", "/boot/efi");

    /** The directory README and the samples use for guest images (after DENIED: it is checked against it). */
    public static final BootFileDirs DEFAULT = new BootFileDirs(List.of("/var/lib/vmtemplating/guest"));

    /** The setting's name, for messages. */
    public static final String SETTING = "vmt.boot-file-dirs";

    public BootFileDirs {
        if (dirs.isEmpty()) {
            throw new IllegalArgumentException(SETTING + " is empty; name at least one node directory for guest images,"
                    + " e.g. " + DEFAULT.dirs().get(0));
        }
        for (String dir : dirs) {
            String problem = problem(dir);
            if (problem != null) {
                throw new IllegalArgumentException(SETTING + ": '" + dir + "' " + problem);
            }
        }
        dirs = List.copyOf(dirs);
    }

    /** A comma-separated list as in the operator setting and the launcher's environment. */
    public static BootFileDirs parse(String commaSeparated) {
        List<String> dirs = new ArrayList<>();
        for (String dir : commaSeparated.split(",")) {
            if (!dir.isBlank()) {
                dirs.add(dir.strip());
            }
        }
        return new BootFileDirs(dirs);
    }

    /** The allowed directory the file lies inside (not the directory itself), or empty. */
    public Optional<String> containing(String file) {
        for (String dir : dirs) {
            if (file.startsWith(dir + "/") && file.length() > dir.length() + 1) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /** The file's path inside its allowed directory, e.g. "guest/vmlinuz"; empty when no directory holds it. */
    public Optional<String> relativePath(String file) {
        return containing(file).map(dir -> file.substring(dir.length() + 1));
    }

    /** The form {@link #parse} reads. */
    public String commaSeparated() {
        return String.join(",", dirs);
    }

    private static String problem(String dir) {
        if (!dir.startsWith("/") || dir.indexOf('\0') >= 0) {
            return "is not an absolute path; write e.g. " + DEFAULT.dirs().get(0);
        }
        if (dir.equals("/")) {
            return "would allow every file of the node; name the directory that holds guest images";
        }
        String normalized = Path.of(dir).normalize().toString();
        if (!normalized.equals(dir)) {
            return "is not normalized; write it as " + normalized;
        }
        for (String denied : DENIED) {
            if (dir.equals(denied) || dir.startsWith(denied + "/") || denied.startsWith(dir + "/")) {
                return "overlaps " + denied + " (host secrets, devices, runtime data or template memory);"
                        + " keep guest images in a directory of their own";
            }
        }
        return null;
    }
}
