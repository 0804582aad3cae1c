package io.vmtemplating.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.regex.Pattern;

/** {@code launcher cleanup}: removes one template's directories from the node's roots; a missing one is fine. */
final class Cleanup {
    /** A Kubernetes UID: hex and dashes only, so it can never name a path outside the roots. */
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
            for (String root : List.of(PodContract.CLEANUP_STATE_ROOT, PodContract.CLEANUP_MEMORY_ROOT)) {
                Path rootDir = context.paths().resolve(root).normalize();
                Path dir = rootDir.resolve(uid).normalize();
                if (!dir.getParent().equals(rootDir)) {
                    throw new IllegalStateException("refusing to remove " + dir + ": not directly under " + rootDir);
                }
                if (Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    deleteRecursively(dir);
                    context.out().println("removed " + root + "/" + uid);
                } else {
                    context.out().println(root + "/" + uid + " already gone");
                }
            }
            return 0;
        } catch (RuntimeException e) {
            return Launcher.failed(context, LauncherResult.FAILED, "cleanup of template " + uid + " failed: " + e.getMessage(),
                    Launcher.EXIT_FAILED);
        }
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
