package io.vmtemplating.launcher;

import java.io.File;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * JDK set-up a launcher would otherwise pay on its way to QEMU's exec or right after it, done on
 * a second thread (a second core) while the main thread parses the spec and builds the command line:
 * <ul>
 * <li>the process API: the first {@code ProcessBuilder.start()} of a JVM costs ~20 ms (its lambdas, var handles and
 * the reaper thread pool), later ones 1–2 ms; a throw-away {@code true} pays it here, so QEMU's start is quick;</li>
 * <li>SHA-256: the first MessageDigest loads the security providers (~30 ms), needed by the template check.</li>
 * </ul>
 * A plain Thread subclass, not a lambda: the first lambda of a JVM bootstraps the invokedynamic machinery (~5 ms),
 * which this thread then does off the main thread.
 */
final class StartWarmUp extends Thread {
    private StartWarmUp() {
        super("warm-up");
        setDaemon(true);
    }

    static void begin() {
        new StartWarmUp().start();
    }

    @Override
    public void run() {
        try {
            Process warmUp = new ProcessBuilder("true").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            warmUp.waitFor();
        } catch (IOException | InterruptedException e) {
            // only a warm-up: QEMU's start pays the set-up instead
        }
        try {
            // the template check hashes the clone's VM shape; the first digest loads the security providers (~30 ms)
            MessageDigest.getInstance("SHA-256").digest(new byte[1]);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
