package io.vmtemplating.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C or SIGTERM for a command that cleans up after itself: the JVM's shutdown hook only asks the command's own
 * thread to stop (and interrupts it, so a wait for a VM ends at once) and then holds the JVM until that thread says
 * it is done; the thread clears the interrupt ({@link #cleaningUp}) and cleans up. One thread does the work and closes the
 * clients: a hook that deleted objects itself raced the main thread closing the same client ("Client is closed")
 * and the JVM halted before the local cluster removed its files from /dev/shm.
 */
final class StopSignal implements AutoCloseable {
    /** How long a signal waits for the clean-up before the JVM halts regardless. */
    static final Duration CLEANUP_LIMIT = Duration.ofMinutes(3);

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;
    private final Thread worker = Thread.currentThread();
    /** Guards the interrupt: none may reach the command's thread once it cleans up. */
    private final Object interruptLock = new Object();
    private boolean cleaning;

    private StopSignal(String command, PrintStream err) {
        this.hook = new Thread(() -> {
            if (done.getCount() == 0) {
                return; // the command finished on its own (System.exit after it returned)
            }
            err.println(command + ": stopping; cleaning up (Ctrl-C again does not speed this up) ...");
            // first the request, then the interrupt: the command's thread, woken, must find the stop requested
            requested.countDown();
            synchronized (interruptLock) {
                if (!cleaning) {
                    worker.interrupt();
                }
            }
            try {
                if (!done.await(CLEANUP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    err.println(command + ": clean-up did not finish within " + CLEANUP_LIMIT.toMinutes() + " min; exiting");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, command + "-stop");
    }

    static StopSignal install(String command, PrintStream err) {
        StopSignal signal = new StopSignal(command, err);
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    boolean requested() {
        return requested.getCount() == 0;
    }

    /**
     * Called by the command's thread before it cleans up: the interrupt that ended its waits is cleared, so the
     * clean-up's own waits (deletions, the node's stop) run.
     */
    void cleaningUp() {
        synchronized (interruptLock) {
            cleaning = true;
            Thread.interrupted();
        }
    }

    /** Sleeps up to the given time, less when a stop is requested; true when it is. */
    boolean await(Duration time) throws InterruptedException {
        return requested.await(time.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The clean-up is over: a waiting hook lets the JVM exit; without a signal the hook is removed. */
    @Override
    public void close() {
        done.countDown();
        if (!requested()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook returns at once (done is counted down)
            }
        }
    }
}
