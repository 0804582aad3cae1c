package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The local node's presence in the API, as a kubelet keeps it: its Node (created or, after a restart, updated; status
 * reported every {@link #STATUS_REPORT}) and its heartbeat Lease in kube-node-lease (renewed every {@link #LEASE_RENEW}).
 */
final class NodeRegistration implements AutoCloseable {
    /** A quarter of the lease duration, as kubelet renews. */
    static final Duration LEASE_RENEW = Duration.ofSeconds(NodeDocuments.LEASE_DURATION_SECONDS / 4);
    /** Well inside the node monitor's grace period (40-50 s) and the one-minute freshness a node's readers expect. */
    static final Duration STATUS_REPORT = Duration.ofSeconds(40);

    private final KubernetesClient client;
    private final NodeFacts facts;
    private final Clock clock;
    private final PrintStream log;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "local-node-heartbeat");
        thread.setDaemon(true);
        return thread;
    });
    /** A failing heartbeat is logged once when it starts failing and once when it works again, not every beat. */
    private final AtomicBoolean failing = new AtomicBoolean();
    private volatile String nodeUid;

    NodeRegistration(KubernetesClient client, NodeFacts facts, Clock clock, PrintStream log) {
        this.client = client;
        this.facts = facts;
        this.clock = clock;
        this.log = log;
    }

    /** Registers the node (Ready) and its lease now, then keeps both fresh in the background. */
    void start() {
        registerNode();
        reportStatus(true);
        renewLease();
        heartbeats.scheduleAtFixedRate(() -> beat(this::renewLease), LEASE_RENEW.toMillis(), LEASE_RENEW.toMillis(),
                TimeUnit.MILLISECONDS);
        heartbeats.scheduleAtFixedRate(() -> beat(() -> reportStatus(true)), STATUS_REPORT.toMillis(),
                STATUS_REPORT.toMillis(), TimeUnit.MILLISECONDS);
    }

    String nodeName() {
        return facts.nodeName();
    }

    /** Creates the Node, or takes over the one an earlier run of this node left (its labels refreshed, the rest kept). */
    private void registerNode() {
        var resource = client.nodes().withName(facts.nodeName());
        Node existing = resource.get();
        Node node = existing == null
                ? client.nodes().resource(NodeDocuments.node(facts.nodeName())).create()
                : OnConflict.retry(() -> resource.edit(n -> {
                    Map<String, String> labels = new HashMap<>(Objects.requireNonNullElse(n.getMetadata().getLabels(), Map.of()));
                    labels.putAll(NodeDocuments.labels(facts.nodeName()));
                    n.getMetadata().setLabels(labels);
                    return n;
                }));
        nodeUid = node.getMetadata().getUid();
    }

    private void reportStatus(boolean ready) {
        try {
            // the node-lifecycle controller writes the same Node (its taints): a conflict is read again and retried
            OnConflict.retry(() -> client.nodes().withName(facts.nodeName()).editStatus(n -> {
                n.setStatus(NodeDocuments.status(facts, n.getStatus(), clock.instant(), ready));
                return n;
            }));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
            // someone deleted the Node (kubectl delete node): register again, as a restarted kubelet would
            registerNode();
            reportStatus(ready);
        }
    }

    private void renewLease() {
        var resource = client.leases().inNamespace(NodeDocuments.LEASE_NAMESPACE).withName(facts.nodeName());
        Lease desired = NodeDocuments.lease(facts.nodeName(), nodeUid, clock.instant());
        if (resource.get() == null) {
            client.resource(desired).create();
            return;
        }
        OnConflict.retry(() -> resource.edit(lease -> {
            lease.getSpec().setHolderIdentity(facts.nodeName());
            lease.getSpec().setLeaseDurationSeconds(NodeDocuments.LEASE_DURATION_SECONDS);
            lease.getSpec().setRenewTime(clock.instant().atZone(ZoneOffset.UTC));
            // a Node registered again has a new uid: the lease follows it, or the garbage collector takes it
            lease.getMetadata().setOwnerReferences(desired.getMetadata().getOwnerReferences());
            return lease;
        }));
    }

    /** One heartbeat; failures are retried by the next beat, as kubelet does, and logged once per outage. */
    private void beat(Runnable heartbeat) {
        try {
            heartbeat.run();
            if (failing.compareAndSet(true, false)) {
                log.println("node " + facts.nodeName() + ": heartbeats reach the API server again");
            }
        } catch (RuntimeException e) {
            if (failing.compareAndSet(false, true)) {
                log.println("node " + facts.nodeName() + ": heartbeat failed, retrying: " + e.getMessage());
            }
        }
    }

    /** Stops the heartbeats and reports the node not ready: its pods were stopped, none runs until it is back. */
    @Override
    public void close() {
        heartbeats.shutdownNow();
        try {
            heartbeats.awaitTermination(5, TimeUnit.SECONDS);
            reportStatus(false);
        } catch (KubernetesClientException e) {
            log.println("node " + facts.nodeName() + ": could not report it stopped: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
