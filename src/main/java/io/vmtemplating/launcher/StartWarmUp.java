package io.vmtemplating.launcher;

import java.io.File;
import java.io.IOException;

/**
 * JDK and library set-up a clone launcher would otherwise pay on its way to QEMU's exec or right after it, done on
 * a second thread (a second core) while the main thread parses the spec and builds the command line:
 * <ul>
 * <li>the process API: the first {@code ProcessBuilder.start()} of a JVM costs ~20 ms (its lambdas, var handles and
 * the reaper thread pool), later ones 1–2 ms; a throw-away {@code true} pays it here, so QEMU's start is quick;</li>
 * <li>Jackson: the first ObjectMapper costs ~50 ms (date formats, locale data), needed by the template check and
 * QMP after the exec.</li>
 * </ul>
 * A plain Thread subclass, not a lambda: the first lambda of a JVM bootstraps the invokedynamic machinery (~5 ms),
 * which this thread then does off the main thread.
 */
final class StartWarmUp extends Thread {
    private static final String[] CLASSES_WITH_AN_OBJECT_MAPPER = {"io.vmtemplating.qemu.TemplateMetadata", "io.vmtemplating.qemu.qmp.QmpClient"};

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
        for (String name : CLASSES_WITH_AN_OBJECT_MAPPER) {
            try {
                Class.forName(name, true, StartWarmUp.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
