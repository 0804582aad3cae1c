package io.vmtemplating.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code launcher cleanup}: empties one deleted template's state and memory directories, the only node directories
 * its pod mounts (at the template pod's own paths, {@link PodContract#STATE_DIR} and {@link PodContract#MEMORY_DIR}).
 * The directories themselves stay: each is a mount point, which nothing inside the pod can remove.
 */
final class Cleanup {
    /** A Kubernetes UID: the operator always sets one; anything else is a pod it did not make. */
    private static final Pattern UID = Pattern.compile("^[0-9a-fA-F][0-9a-fA-F-]{0,63}$");

    private Cleanup() {
    }

    static int run(LauncherContext context) {
        String uid = context.env().get(PodContract.ENV_TEMPLATE_UID);
        if (uid == null || !UID.matcher(uid).matches()) {
            return Launcher.invalid(context.termination(), context.err(),
                    new InvalidSpecException(PodContract.ENV_TEMPLATE_UID, "'" + uid + "' is not a Kubernetes UID"));
        }
        try {
            for (String mounted : List.of(PodContract.STATE_DIR, PodContract.MEMORY_DIR)) {
                Path dir = context.paths().resolve(mounted);
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    int removed = emptyDirectory(dir);
                    context.out().println("template " + uid + ": emptied " + mounted + " (" + removed + " entries removed)");
                } else {
                    context.out().println("template " + uid + ": " + mounted + " is not there, nothing to remove");
                }
            }
            return 0;
        } catch (RuntimeException e) {
            return Launcher.failed(context, LauncherResult.FAILED, "cleanup of template " + uid + " failed: " + e.getMessage(),
                    Launcher.EXIT_FAILED);
        }
    }

    /** Removes everything inside {@code dir}, not {@code dir} itself; returns how many top-level entries went. */
    static int emptyDirectory(Path dir) {
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                deleteRecursively(entry);
                removed++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return removed;
    }

    /** Deletes a tree without following symbolic links (a link is removed, never its target). */
    static void deleteRecursively(Path path) {
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + path + ": " + e.getMessage(), e);
        }
    }
}
