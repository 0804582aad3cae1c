package io.vmtemplating.reconciler;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.vmtemplating.api.v1alpha1.ClonePhase;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.local.LocalCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Status writes of a running clone whose launcher's memory figures move a little at every refresh (1 MiB of private
 * memory per /status): the clone's status is not written for them, and so nothing wakes its template. The refresh is
 * 100 ms here instead of 30 s; the writes per hour at the default are scaled from the number of refreshes. Both
 * reconcilers on fabric8's mock API server, a stand-in launcher, the test as the kubelet.
 */
class StatusChurnTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int REFRESHES = 50;
    private static final Duration DEFAULT_REFRESH = OperatorSettings.DEFAULTS.statusRefresh();
    private static final String FROZEN = KubeletSimulator.FROZEN_RESULT;

    private LocalCluster cluster;
    private KubernetesClient client;
    private Operator operator;

    @BeforeEach
    void start() throws Exception {
        cluster = LocalCluster.apiServerOnly((object, old, lookup) -> List.of());
        client = cluster.client();
        OperatorSettings d = OperatorSettings.DEFAULTS;
        OperatorSettings fastRefresh = new OperatorSettings(d.launcherImage(), d.templateOverheadMiB(), d.cloneOverheadMiB(),
                d.defaultExpectedPrivateMiB(), d.buildBackoffLimit(), d.buildBackoffBase(), Duration.ofMillis(100),
                d.cleanupTimeout(), d.nodeLayout(), d.kvmDeviceResource(), d.bootFileDirs());
        operator = LocalCluster.startOperator(client, fastRefresh, Metrics.NOOP);
    }

    @AfterEach
    void stop() {
        operator.stop();
        cluster.close();
    }

    @Test
    void memoryFiguresThatMoveALittleAreNotWrittenAndDoNotWakeTheTemplate() throws Exception {
        KubeletSimulator kubelet = new KubeletSimulator(client);
        MockObjects.template(client, "t");
        Pod build = MockObjects.pod(client, "t-build-1");
        kubelet.scheduled(build, "node-a");
        kubelet.terminated(build, true, 0, FROZEN);
        await().atMost(WAIT).until(() -> {
            VmTemplate t = client.resources(VmTemplate.class).inNamespace("default").withName("t").get();
            return t.getStatus() != null && t.getStatus().phase() == TemplatePhase.Ready;
        });
        MockObjects.clone(client, "c", "t");
        Pod pod = MockObjects.pod(client, "c-vm");

        try (StandInLauncher launcher = new StandInLauncher("127.0.0.81")) {
            launcher.privateMemory(300, 0);
            kubelet.running(pod, true, "127.0.0.81", launcher.portMap());
            await().atMost(WAIT).until(() -> {
                VmClone c = client.resources(VmClone.class).inNamespace("default").withName("c").get();
                return c.getStatus() != null && c.getStatus().phase() == ClonePhase.Running && c.getStatus().memory() != null;
            });

            AtomicInteger cloneWrites = new AtomicInteger();
            AtomicInteger wakingTheTemplate = new AtomicInteger();
            AtomicReference<VmClone> last = new AtomicReference<>(client.resources(VmClone.class).inNamespace("default").withName("c").get());
            try (Watch watch = client.resources(VmClone.class).inNamespace("default").withName("c").watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, VmClone clone) {
                    if (action == Action.MODIFIED) {
                        cloneWrites.incrementAndGet();
                        if (VmTemplateReconciler.cloneChangeMattersToTemplate(last.getAndSet(clone), clone)) {
                            wakingTheTemplate.incrementAndGet();
                        }
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                }
            })) {
                int before = launcher.statusRequests.get();
                launcher.privateMemory(300, 1); // 1 MiB more at every refresh: 50 MiB over the window
                await().atMost(WAIT).until(() -> launcher.statusRequests.get() >= before + REFRESHES);
                // one more refresh lets the last report's reconcile finish
                int end = launcher.statusRequests.get();
                await().atMost(WAIT).until(() -> launcher.statusRequests.get() > end);
            }
            long perHour = Duration.ofHours(1).toMillis() / DEFAULT_REFRESH.toMillis();
            System.out.printf("over %d refreshes: %d clone status writes, %d of them would wake the template;"
                    + " at the %d s default refresh that is %d writes per clone per hour (+ %d from the %d min refresh"
                    + " of the figures) and %d template reconciles from clones%n",
                    REFRESHES, cloneWrites.get(), wakingTheTemplate.get(), DEFAULT_REFRESH.toSeconds(),
                    cloneWrites.get() * perHour / REFRESHES, Duration.ofHours(1).toMinutes() / MemoryInStatus.REFRESH.toMinutes(),
                    MemoryInStatus.REFRESH.toMinutes(), wakingTheTemplate.get() * perHour / REFRESHES);
            assertEquals(0, cloneWrites.get(), "clone status writes while its memory moved by 1 MiB per refresh");
            assertEquals(0, wakingTheTemplate.get());
        }
    }
}
