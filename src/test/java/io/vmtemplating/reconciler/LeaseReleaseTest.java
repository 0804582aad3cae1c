package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.net.ServerSocket;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** A graceful stop hands the Lease back only when this replica holds it (the real hand-over: LeaderElectionE2EIT). */
@EnableKubernetesMockClient(crud = true)
class LeaseReleaseTest {
    private static final String NS = "vmtemplating-system";
    private static final String LEASE = "vmtemplating-operator";
    KubernetesClient client;

    private void leaseHeldBy(String holder) {
        ZonedDateTime now = ZonedDateTime.now();
        client.resource(new LeaseBuilder().withNewMetadata().withName(LEASE).withNamespace(NS).endMetadata()
                .withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds(15).withAcquireTime(now).withRenewTime(now)
                .withLeaseTransitions(2).endSpec().build()).create();
    }

    private static LeaderElectionConfiguration as(String identity) {
        return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(LEASE).withLeaseNamespace(NS)
                .withIdentity(identity).build();
    }

    private Lease lease() {
        return client.leases().inNamespace(NS).withName(LEASE).get();
    }

    @Test
    void theLeaderShortensItsLeaseToASecondSoAStandbyTakesItAtItsNextRetry() {
        leaseHeldBy("operator-a");
        ZonedDateTime before = ZonedDateTime.now().minusSeconds(1);
        assertTrue(LeaseRelease.release(client, as("operator-a")));
        Lease lease = lease();
        // fabric8 7.5.2 writes the released record (no holder) as a JSON merge patch, which leaves the holder's name
        // in place: what frees the Lease is its duration, 1 s from now, where a candidate may take it
        assertEquals(1, lease.getSpec().getLeaseDurationSeconds());
        assertTrue(lease.getSpec().getRenewTime().isAfter(before), "renewed now: " + lease.getSpec().getRenewTime());
        assertEquals(2, lease.getSpec().getLeaseTransitions(), "the transitions count is kept");
    }

    @Test
    void aStandbyLeavesTheLeadersLeaseAlone() {
        leaseHeldBy("operator-a");
        assertFalse(LeaseRelease.release(client, as("operator-b")));
        assertEquals("operator-a", lease().getSpec().getHolderIdentity());
        assertEquals(15, lease().getSpec().getLeaseDurationSeconds());
    }

    @Test
    void noLeaseNothingToRelease() {
        assertFalse(LeaseRelease.release(client, as("operator-a")));
        assertNull(lease(), "no Lease is created on the way out");
    }

    @Test
    void anUnreachableApiServerLeavesTheLeaseToExpireWithoutFailingTheShutdown() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + closedPort).withRequestRetryBackoffLimit(0).build()).build()) {
            assertFalse(LeaseRelease.release(unreachable, as("operator-a")));
        }
    }
}
