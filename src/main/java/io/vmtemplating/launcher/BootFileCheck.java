package io.vmtemplating.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The launcher's look at the boot files just before QEMU opens them: each must resolve, symbolic links followed,
 * to a file inside the volume its role mounts (the allowed hostPath directory, the claim, the image). Admission saw
 * only the path as written; a link in an allowed directory that points at /etc/shadow or another template's memory
 * is seen here, and refused with the field that named it. A file that does not exist is left to QEMU, which says so
 * (an admin may still copy it there; a retry then helps).
 */
final class BootFileCheck {
    private BootFileCheck() {
    }

    static void check(List<BootFileLocation> files, PodPaths paths) {
        for (BootFileLocation file : files) {
            check(file, paths);
        }
    }

    private static void check(BootFileLocation file, PodPaths paths) {
        Path volume = paths.resolve(PodContract.bootVolume(file.role()));
        Path path = paths.resolve(file.podPath());
        Path realVolume;
        Path realFile;
        try {
            realVolume = volume.toRealPath();
        } catch (IOException e) {
            return; // no volume at all: the pod is not what the operator writes; QEMU reports the missing file
        }
        try {
            realFile = path.toRealPath();
        } catch (NoSuchFileException e) {
            if (Files.isSymbolicLink(path)) {
                throw new InvalidSpecException(file.field(), "'" + file.pathInVolume() + "' is a symbolic link to a file that"
                        + " does not exist inside its directory; boot files must be regular files, or relative links that stay"
                        + " inside the directory");
            }
            return;
        } catch (IOException e) {
            throw new InvalidSpecException(file.field(), "'" + file.pathInVolume() + "' cannot be resolved (" + e.getMessage()
                    + "); check the file and its directory on the node");
        }
        if (!realFile.startsWith(realVolume) || realFile.equals(realVolume)) {
            throw new InvalidSpecException(file.field(), "'" + file.pathInVolume() + "' leads out of its directory through a"
                    + " symbolic link; boot files must be regular files, or relative links that stay inside the directory");
        }
        if (!Files.isRegularFile(realFile)) {
            throw new InvalidSpecException(file.field(), "'" + file.pathInVolume() + "' is not a regular file; name the"
                    + " kernel, initrd or disk image itself");
        }
    }
}
