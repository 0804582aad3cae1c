package io.vmtemplating.launcher;

import java.io.PrintStream;
import java.util.Map;

/**
 * {@code vmt launcher template|clone|cleanup}: the program in every launcher pod. Plain Java on purpose (no Quarkus,
 * no CDI, nothing heavy before QEMU starts): a clone pod's time to a running guest is this program's start-up
 * plus the restore. Input per {@link PodContract} plus the optional {@link PodPaths#ENV_PATH_MAP}.
 */
public final class Launcher {
    public static final int EXIT_FAILED = 1;

    private Launcher() {
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        long mainNanos = System.nanoTime();
        long processStartNanos = ProcessStart.startNanos();
        if (args.length != 1) {
            err.println("usage: vmt launcher template|clone|cleanup");
            return 2;
        }
        PodPaths paths;
        try {
            paths = PodPaths.parse(env.get(PodPaths.ENV_PATH_MAP));
        } catch (IllegalArgumentException e) {
            TerminationMessage termination = new TerminationMessage(PodPaths.IDENTITY.resolve(PodContract.TERMINATION_MESSAGE_PATH));
            return invalid(termination, err, new InvalidSpecException(PodPaths.ENV_PATH_MAP, e.getMessage()));
        }
        TerminationMessage termination = new TerminationMessage(paths.resolve(PodContract.TERMINATION_MESSAGE_PATH));
        LauncherContext context = new LauncherContext(env, paths, processStartNanos, mainNanos, termination, out, err);
        return switch (args[0]) {
            case PodContract.MODE_TEMPLATE -> new TemplateBuild(context).run();
            case PodContract.MODE_CLONE -> new CloneRun(context).run();
            case PodContract.MODE_CLEANUP -> Cleanup.run(context);
            default -> {
                err.println("vmt launcher: unknown mode '" + args[0] + "' (template, clone or cleanup)");
                yield 2;
            }
        };
    }

    static int invalid(TerminationMessage termination, PrintStream err, InvalidSpecException e) {
        err.println("invalid spec: " + e.getMessage());
        termination.write(LauncherResult.failure(LauncherResult.INVALID_SPEC, e.getMessage()));
        return PodContract.EXIT_INVALID_SPEC;
    }

    static int failed(LauncherContext context, String outcome, String message, int exitCode) {
        context.err().println(outcome + ": " + message);
        context.termination().write(LauncherResult.failure(outcome, message));
        return exitCode;
    }
}
