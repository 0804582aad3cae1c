package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.processing.ResourceIDMapper;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.ExternalResourceCachingEventSource;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;
import io.vmtemplating.api.v1alpha1.VmClone;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The clones' launchers, asked on threads of their own: a JOSDK event source whose secondary resource is each
 * clone's last {@link LauncherReport}. The reconcile says how often to ask ({@link #poll}: a few times a second
 * while a clone restores, then at the status refresh) and what to send ({@link #send}: pause, resume); it reads the
 * cached report and never waits on a launcher (a launcher that does not answer held a reconcile thread for up to
 * 2 s per call). A report that differs from the cached one wakes the clone's reconcile.
 */
final class LauncherReports extends ExternalResourceCachingEventSource<LauncherReport, VmClone, String>
        implements ResourceEventAware<VmClone> {
    private static final Logger LOG = Logger.getLogger(LauncherReports.class);

    private record Poll(String podUid, Duration period, ScheduledFuture<?> task) {
    }

    private final LauncherClient launcher;
    private final LauncherActions actions;
    private final ScheduledExecutorService executor;
    private final Map<ResourceID, Poll> polls = new ConcurrentHashMap<>();

    LauncherReports(LauncherClient launcher, int threads) {
        super("launcher-reports", LauncherReport.class, ResourceIDMapper.singleResourceResourceIDMapper());
        this.launcher = launcher;
        this.actions = new LauncherActions(launcher, threads);
        this.executor = Executors.newScheduledThreadPool(threads, r -> {
            Thread thread = new Thread(r, "launcher-reports");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Asks this clone's launcher for /status now and then every {@code period}; a call with the same pod and period is a no-op. */
    void poll(ResourceID clone, Pod pod, Duration period) {
        poll(clone, pod, period, Duration.ZERO);
    }

    /** @param firstAfter when the first question goes out (later ones every {@code period}) */
    void poll(ResourceID clone, Pod pod, Duration period, Duration firstAfter) {
        String podUid = pod.getMetadata().getUid();
        polls.compute(clone, (id, current) -> {
            if (current != null && Objects.equals(current.podUid(), podUid) && current.period().equals(period)) {
                return current;
            }
            if (current != null) {
                current.task().cancel(false);
            }
            ScheduledFuture<?> task = executor.scheduleWithFixedDelay(() -> fetch(id, pod), firstAfter.toMillis(), period.toMillis(),
                    TimeUnit.MILLISECONDS);
            return new Poll(podUid, period, task);
        });
    }

    /** The clone's pod is gone or ended: no more questions, and its last report is forgotten. */
    void forget(ResourceID clone) {
        Poll poll = polls.remove(clone);
        if (poll != null) {
            poll.task().cancel(false);
        }
        handleDelete(clone);
    }

    /** POSTs an action to the launcher, then asks for its /status: the report that follows wakes the reconcile. */
    void send(ResourceID clone, Pod pod, String path) {
        actions.send("clone " + clone, pod, path, () -> fetch(clone, pod));
    }

    /**
     * POSTs the clone's claim data. The launcher answers with what the guest acknowledged: that answer goes into the
     * clone's last report at once (a /status round trip, which reads QEMU's smaps, saved on the claim's way to Ready);
     * without a usable answer, /status is asked.
     */
    void deliver(ResourceID clone, Pod pod, String json, Duration timeout) {
        actions.sendJson("claim-data " + clone, pod, io.vmtemplating.launcher.PodContract.PATH_CLAIM_DATA, json, timeout, answer -> {
            Optional<LauncherReport> amended = answer.filter(a -> a.statusCode() == 200 || a.statusCode() == 502)
                    .flatMap(a -> LauncherReport.claimDataAnswer(a.body()))
                    // no report yet (a claim served a moment ago): the launcher delivers only to a running guest
                    .map(claimData -> getSecondaryResource(clone).map(last -> last.withClaimData(claimData))
                            .orElse(new LauncherReport("running", null, null, claimData)));
            if (amended.isPresent() && polls.containsKey(clone)) {
                handleResources(clone, amended.get());
            } else {
                fetch(clone, pod);
            }
        });
    }

    private void fetch(ResourceID clone, Pod pod) {
        try {
            // no answer keeps the last report: a launcher busy for a moment is not a changed launcher
            launcher.status(pod).map(LauncherReport::of).ifPresent(report -> {
                if (polls.containsKey(clone)) {
                    handleResources(clone, report);
                }
            });
        } catch (RuntimeException e) {
            LOG.debugf("clone %s: reading its launcher's status failed: %s", clone, e.getMessage());
        }
    }

    @Override
    public void onResourceDeleted(VmClone clone) {
        forget(ResourceID.fromResource(clone));
    }

    @Override
    public void stop() throws OperatorException {
        executor.shutdownNow();
        actions.stop();
        polls.clear();
        super.stop();
    }
}
