package io.vmtemplating.launcher;

import io.vmtemplating.api.v1alpha1.types.BootSpec;
import io.vmtemplating.api.v1alpha1.types.FileSource;
import io.vmtemplating.webhook.BootFileDirs;
import java.util.ArrayList;
import java.util.List;

/**
 * Where one boot file is inside the pod: the volume of its role ({@link PodContract#bootVolume}) and its path inside
 * that volume, with the spec field that named it. Pure; {@link BootFileCheck} looks at the files.
 *
 * @param role         kernel, initrd or disk
 * @param field        the spec field of the path, for refusals, e.g. spec.boot.kernel.hostPath.path
 * @param pathInVolume relative, without ".." (admission's rule, checked again here)
 */
record BootFileLocation(String role, String field, String pathInVolume) {

    /** Every boot file the spec names, kernel, initrd and disk in that order. */
    static List<BootFileLocation> all(BootSpec boot, BootFileDirs dirs) {
        List<BootFileLocation> files = new ArrayList<>();
        if (boot == null) {
            return files;
        }
        add(files, "kernel", boot.kernel(), dirs);
        add(files, "initrd", boot.initrd(), dirs);
        if (boot.disk() != null) {
            if (boot.disk().source() == null) {
                throw new InvalidSpecException("spec.boot.disk.source", "is required");
            }
            add(files, "disk", boot.disk().source(), dirs);
        }
        return files;
    }

    /** The file's in-pod path. */
    String podPath() {
        return PodContract.bootFile(role, pathInVolume);
    }

    private static void add(List<BootFileLocation> files, String role, FileSource source, BootFileDirs dirs) {
        if (source != null) {
            files.add(of(role, source, dirs));
        }
    }

    private static BootFileLocation of(String role, FileSource source, BootFileDirs dirs) {
        String field = "spec.boot." + (role.equals("disk") ? "disk.source" : role);
        int set = (source.hostPath() != null ? 1 : 0) + (source.persistentVolumeClaim() != null ? 1 : 0) + (source.image() != null ? 1 : 0);
        if (set != 1) {
            throw new InvalidSpecException(field, "set exactly one of hostPath, persistentVolumeClaim or image");
        }
        if (source.hostPath() != null) {
            String file = source.hostPath().path();
            String inDir = file == null ? null : dirs.relativePath(file).orElse(null);
            if (inDir == null) {
                throw new InvalidSpecException(field + ".hostPath.path", "'" + file + "' is not inside a boot-file directory the"
                        + " cluster admin allows (" + dirs.commaSeparated() + "); copy the file there");
            }
            return new BootFileLocation(role, field + ".hostPath.path", relative(field + ".hostPath.path", inDir));
        }
        if (source.persistentVolumeClaim() != null) {
            String path = field + ".persistentVolumeClaim.path";
            return new BootFileLocation(role, path, relative(path, source.persistentVolumeClaim().path()));
        }
        String path = field + ".image.path";
        return new BootFileLocation(role, path, relative(path, source.image().path()));
    }

    private static String relative(String field, String path) {
        if (path == null) {
            throw new InvalidSpecException(field, "is required");
        }
        if (path.isEmpty() || path.startsWith("/") || path.equals("..") || path.startsWith("../") || path.contains("/../")
                || path.endsWith("/..")) {
            throw new InvalidSpecException(field, "'" + path + "' must be relative and stay inside the volume (no leading /, no ..)");
        }
        return path;
    }
}
