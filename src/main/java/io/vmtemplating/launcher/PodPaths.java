package io.vmtemplating.launcher;

import io.vmtemplating.qemu.NodePaths;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the pod's contract paths ({@link PodContract}) really are. In a pod they are mount points, so every path
 * resolves to itself. A kubelet-less local node has no mount namespaces: it sets {@code VMT_PATH_MAP} to
 * {@code podPath=hostPath:podPath2=hostPath2...} and each contract path resolves through the longest matching
 * prefix (on whole path components), so "/vmt/boot/kernel=/srv/vmlinuz" maps one file and "/vmt/run=/tmp/r" a
 * directory tree. Chosen over one env variable per path: one variable covers every mount, present and future.
 */
public final class PodPaths {
    public static final String ENV_PATH_MAP = "VMT_PATH_MAP";
    public static final PodPaths IDENTITY = new PodPaths(List.of());

    private record Mapping(String podPath, String hostPath) {
    }

    private final List<Mapping> mappings;

    private PodPaths(List<Mapping> mappings) {
        this.mappings = mappings;
    }

    /** @param pathMap null or blank: the identity */
    public static PodPaths parse(String pathMap) {
        if (pathMap == null || pathMap.isBlank()) {
            return IDENTITY;
        }
        List<Mapping> mappings = new ArrayList<>();
        for (String entry : pathMap.split(":")) {
            if (entry.isBlank()) {
                continue;
            }
            int equals = entry.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException(ENV_PATH_MAP + ": entry '" + entry + "' is not podPath=hostPath");
            }
            String podPath = trimSlash(entry.substring(0, equals));
            String hostPath = trimSlash(entry.substring(equals + 1));
            if (!podPath.startsWith("/") || !hostPath.startsWith("/")) {
                throw new IllegalArgumentException(ENV_PATH_MAP + ": entry '" + entry + "' needs two absolute paths");
            }
            // longest pod path first, kept sorted by hand: a Comparator lambda cost the launcher ~8 ms of
            // invokedynamic bootstrap on its way to QEMU
            int at = 0;
            while (at < mappings.size() && mappings.get(at).podPath().length() >= podPath.length()) {
                at++;
            }
            mappings.add(at, new Mapping(podPath, hostPath));
        }
        return new PodPaths(List.copyOf(mappings));
    }

    /** The template's memory and state directories and this instance's run directory, where the pod mounts them. */
    public NodePaths nodePaths() {
        return new NodePaths(resolve(PodContract.MEMORY_DIR), resolve(PodContract.STATE_DIR), resolve(PodContract.RUN_DIR));
    }

    /** The real location of an absolute in-pod path. */
    public Path resolve(String podPath) {
        return Path.of(resolveString(podPath));
    }

    public String resolveString(String podPath) {
        for (Mapping mapping : mappings) {
            String prefix = mapping.podPath();
            if (podPath.equals(prefix)) {
                return mapping.hostPath();
            }
            if (podPath.startsWith(prefix.endsWith("/") ? prefix : prefix + "/")) {
                String rest = prefix.equals("/") ? podPath : podPath.substring(prefix.length());
                return mapping.hostPath().equals("/") ? rest : mapping.hostPath() + rest;
            }
        }
        return podPath;
    }

    private static String trimSlash(String path) {
        String trimmed = path.strip();
        while (trimmed.length() > 1 && trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }
}
