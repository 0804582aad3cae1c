package io.vmtemplating.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The container's termination message: one {@link LauncherResult}, written once (the first writer wins, so a
 * SIGTERM hook and the main thread cannot both report), always under Kubernetes' 4 KiB.
 */
final class TerminationMessage {
    private final Path file;
    private final AtomicBoolean claimed = new AtomicBoolean();

    TerminationMessage(Path file) {
        this.file = file;
    }

    /** @return false when a result was already written (or claimed) */
    boolean write(LauncherResult result) {
        if (!claimed.compareAndSet(false, true)) {
            return false;
        }
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, fit(result), StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("cannot write termination message " + file + ": " + e.getMessage());
        }
        return true;
    }

    boolean written() {
        return claimed.get();
    }

    /** JSON of the result; a long error keeps its head and its tail (QEMU's last words) and loses the middle. */
    static String fit(LauncherResult result) {
        String json = Json.write(result);
        String error = result.error();
        int keep = error == null ? 0 : error.length();
        while (json.getBytes(StandardCharsets.UTF_8).length > PodContract.TERMINATION_MESSAGE_MAX_BYTES && keep > 0) {
            keep = Math.max(0, keep - Math.max(64, (json.getBytes(StandardCharsets.UTF_8).length - PodContract.TERMINATION_MESSAGE_MAX_BYTES)));
            json = Json.write(withError(result, shorten(error, keep)));
        }
        return json;
    }

    static String shorten(String text, int keep) {
        if (text.length() <= keep) {
            return text;
        }
        int head = keep / 3;
        int tail = keep - head;
        return text.substring(0, head) + " [...] " + text.substring(text.length() - tail);
    }

    private static LauncherResult withError(LauncherResult r, String error) {
        return new LauncherResult(r.outcome(), r.qemuVersion(), r.bootMillis(), r.freezeMillis(), r.memoryFiles(), r.stateFile(),
                r.metadataFile(), r.stateBytes(), error);
    }
}
