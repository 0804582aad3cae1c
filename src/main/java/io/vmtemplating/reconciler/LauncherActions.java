package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * POSTs to launchers (pause, resume, freeze) off the reconcile threads: a reconcile asks and returns; what the
 * launcher did shows in its next report or its pod. One action per key at a time, so a reconcile that runs again
 * before the launcher answered does not send it twice.
 */
final class LauncherActions {
    private static final Logger LOG = Logger.getLogger(LauncherActions.class);

    private final LauncherClient launcher;
    private final ExecutorService executor;
    private final Map<String, Boolean> inFlight = new ConcurrentHashMap<>();

    LauncherActions(LauncherClient launcher, int threads) {
        this.launcher = launcher;
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, "launcher-actions");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** @param then runs after the launcher answered or not (the caller asks for its status, say) */
    void send(String key, Pod pod, String path, Runnable then) {
        if (inFlight.putIfAbsent(key, Boolean.TRUE) != null) {
            return;
        }
        executor.execute(() -> {
            try {
                if (!launcher.post(pod, path)) {
                    LOG.infof("%s: the launcher did not take %s yet; the next reconcile asks again", key, path);
                }
                then.run();
            } catch (RuntimeException e) {
                LOG.debugf("%s: %s failed: %s", key, path, e.getMessage());
            } finally {
                inFlight.remove(key);
            }
        });
    }

    /** A POST with a JSON body, waiting up to {@code timeout} for the launcher's answer, which {@code then} gets. */
    void sendJson(String key, Pod pod, String path, String json, java.time.Duration timeout,
            java.util.function.Consumer<java.util.Optional<LauncherClient.Answer>> then) {
        if (inFlight.putIfAbsent(key, Boolean.TRUE) != null) {
            return;
        }
        executor.execute(() -> {
            try {
                java.util.Optional<LauncherClient.Answer> answer = launcher.postJson(pod, path, json, timeout);
                if (answer.isEmpty() || answer.get().statusCode() / 100 != 2) {
                    LOG.infof("%s: %s answered %s; the next reconcile asks again", key, path,
                            answer.map(a -> a.statusCode() + " " + a.body().strip()).orElse("nothing"));
                }
                then.accept(answer);
            } catch (RuntimeException e) {
                LOG.debugf("%s: %s failed: %s", key, path, e.getMessage());
            } finally {
                inFlight.remove(key);
            }
        });
    }

    void stop() {
        executor.shutdownNow();
    }
}
