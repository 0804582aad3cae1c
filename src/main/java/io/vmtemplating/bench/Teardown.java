package io.vmtemplating.bench;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a bench run set up in a cluster and on this machine, undone newest first: when the run ends, when it fails,
 * and from a shutdown hook on SIGINT or SIGTERM (a finally block does not run then, and a webhook registration left
 * behind would point the API server at a port nobody serves). Each step runs once, whoever gets to it first.
 */
final class Teardown implements AutoCloseable {
    /** One undo step. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    /** A class, not a record: steps are told apart by identity, two alike steps are still two. */
    private static final class Step {
        private final String what;
        private final Action action;

        private Step(String what, Action action) {
            this.what = what;
            this.action = action;
        }
    }

    /** A step that can be run before the end (a part's child JVM when the part is done); running it twice is a no-op. */
    final class Registration implements AutoCloseable {
        private final Step step;

        private Registration(Step step) {
            this.step = step;
        }

        @Override
        public void close() {
            synchronized (running) {
                boolean pending;
                synchronized (steps) {
                    pending = steps.remove(step);
                }
                if (pending) {
                    run(step);
                }
            }
        }
    }

    private final Deque<Step> steps = new ArrayDeque<>();
    /** Held while a step runs: the hook waits for a step the main thread is in, rather than running the next one beside it. */
    private final Object running = new Object();
    private final PrintStream err;
    private final Thread hook;

    Teardown(PrintStream err) {
        this.err = err;
        this.hook = new Thread(() -> {
            synchronized (steps) {
                if (!steps.isEmpty()) {
                    err.println("vmt bench: stopping; undoing what the run set up ...");
                }
            }
            runAll();
        }, "vmt-bench-teardown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Whether a signal stopped the run: the JVM's shutdown has begun (it takes no new hook then, the JDK's only way to
     * ask), and the main thread fails on what a teardown, or a local cluster's own exit hook, removed under it.
     */
    static boolean signalled() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /** @param what for the message when the step fails ("deleting namespace x") */
    Registration add(String what, Action action) {
        Step step = new Step(what, action);
        synchronized (steps) {
            steps.push(step);
        }
        return new Registration(step);
    }

    @Override
    public void close() {
        runAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down and the hook is running or has run: nothing is left to do either way
        }
    }

    private void runAll() {
        synchronized (running) {
            while (true) {
                Step step;
                synchronized (steps) {
                    step = steps.poll();
                }
                if (step == null) {
                    return;
                }
                run(step);
            }
        }
    }

    private void run(Step step) {
        try {
            step.action.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("vmt bench: interrupted while " + step.what);
        } catch (Exception e) {
            err.println("vmt bench: " + step.what + " failed: " + e.getMessage());
        }
    }
}
