package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

/**
 * Hands the leader Lease back when the operator stops gracefully (SIGTERM: a rollout, a drain, a deleted pod), so the
 * standby replica takes over at its next retry (`vmt.leader-election.retry-period`, 2 s) instead of when the Lease
 * expires (`lease-duration`, 15 s): meanwhile nothing reconciles and every claim waits. JOSDK 5.3.2 builds its
 * LeaderElector with release-on-cancel off and has no setting for it, so this runs after JOSDK's own shutdown observer
 * (default priority) has stopped the controllers and waited for the reconciles in flight — no two leaders reconcile
 * at once — and before Quarkus closes the client (`quarkus.operator-sdk.close-client-on-stop=false`). A crashed
 * operator releases nothing; its Lease expires as before.
 */
@ApplicationScoped
public class LeaseRelease {
    private static final Logger LOG = Logger.getLogger(LeaseRelease.class);

    void onStop(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) ShutdownEvent event, Operator operator,
            KubernetesClient client) {
        operator.getConfigurationService().getLeaderElectionConfiguration().ifPresent(config -> release(client, config));
    }

    /**
     * Releases the Lease if this identity holds it: fabric8's own release (the Lease renewed with a 1 s duration,
     * after which any candidate may take it), written against the Lease as read, so a replica that took it meanwhile
     * keeps it. Returns whether it released.
     */
    static boolean release(KubernetesClient client, LeaderElectionConfiguration config) {
        String namespace = config.getLeaseNamespace().orElse(client.getNamespace());
        String name = config.getLeaseName();
        String identity = config.getIdentity().orElse("");
        try {
            LeaderElectionConfig lease = new LeaderElectionConfig(new LeaseLock(namespace, name, identity),
                    config.getLeaseDuration(), config.getRenewDeadline(), config.getRetryPeriod(),
                    new LeaderCallbacks(() -> { }, () -> { }, newLeader -> { }), true, name);
            boolean released = new LeaderElector(client, lease, Runnable::run).release();
            if (released) {
                LOG.infof("released the leader Lease %s/%s (%s): a standby replica takes over at its next retry",
                        namespace, name, identity);
            }
            return released;
        } catch (RuntimeException e) {
            // the API server unreachable, the Lease changed under us, the client already closed: the Lease expires as
            // it would have without this, and the shutdown goes on
            LOG.warnf("could not release the leader Lease %s/%s (%s); it expires %d s after its last renewal: %s",
                    namespace, name, identity, config.getLeaseDuration().toSeconds(), e.getMessage());
            return false;
        }
    }
}
