package io.vmtemplating.reconciler;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.vmtemplating.metrics.OperatorMetrics;
import io.vmtemplating.webhook.BootFileDirs;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** CDI wiring of the reconcilers' collaborators in the Quarkus application (`vmt operator`). */
public class OperatorBeans {

    @Produces
    @Singleton
    OperatorSettings settings(
            @ConfigProperty(name = "vmt.launcher-image", defaultValue = "vm-templating-operator:0.1.0") String launcherImage,
            @ConfigProperty(name = "vmt.template-overhead-mib", defaultValue = "256") long templateOverheadMiB,
            @ConfigProperty(name = "vmt.clone-overhead-mib", defaultValue = "96") long cloneOverheadMiB,
            @ConfigProperty(name = "vmt.default-expected-private-mib", defaultValue = "64") long expectedPrivateMiB,
            @ConfigProperty(name = "vmt.build-backoff-limit", defaultValue = "3") int backoffLimit,
            @ConfigProperty(name = "vmt.build-backoff-base", defaultValue = "PT10S") Duration backoffBase,
            @ConfigProperty(name = "vmt.status-refresh", defaultValue = "PT30S") Duration statusRefresh,
            @ConfigProperty(name = "vmt.cleanup-timeout", defaultValue = "PT5M") Duration cleanupTimeout,
            @ConfigProperty(name = "vmt.node.state-root", defaultValue = "/var/lib/vmtemplating/templates") String stateRoot,
            @ConfigProperty(name = "vmt.node.tmpfs-root", defaultValue = "/dev/shm/vmtemplating") String tmpfsRoot,
            @ConfigProperty(name = "vmt.node.hugetlbfs-root", defaultValue = "/dev/hugepages/vmtemplating") String hugetlbfsRoot,
            @ConfigProperty(name = "vmt.kvm-device-resource") Optional<String> kvmDeviceResource,
            @ConfigProperty(name = BootFileDirs.SETTING, defaultValue = "/var/lib/vmtemplating/guest") String bootFileDirs) {
        return new OperatorSettings(launcherImage, templateOverheadMiB, cloneOverheadMiB, expectedPrivateMiB, backoffLimit,
                backoffBase, statusRefresh, cleanupTimeout, new NodeLayout(stateRoot, tmpfsRoot, hugetlbfsRoot),
                kvmDeviceResource.map(String::strip).orElse(""), BootFileDirs.parse(bootFileDirs));
    }

    /** The webhook checks boot files against the directories the reconciler mounts. */
    @Produces
    @Singleton
    BootFileDirs bootFileDirs(OperatorSettings settings) {
        return settings.bootFileDirs();
    }

    @Produces
    @Singleton
    LauncherClient launcherClient(KubernetesClient client) {
        return new LauncherClient(new LauncherTokens(client));
    }

    /**
     * Leader election, so that deploy/ can run two replicas: one reconciles, the other waits for the Lease. QOSDK
     * uses this bean in the profiles of {@code quarkus.operator-sdk.activate-leader-election-for-profiles} only (prod
     * and cluster: not the Quarkus tests; local mode runs JOSDK without Quarkus). The Lease lives in the operator's
     * namespace (POD_NAMESPACE from the downward API); the identity is the pod's name, or host and process id when the
     * operator runs as a process (`make cluster`, the end-to-end tests start two).
     */
    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection(
            @ConfigProperty(name = "vmt.leader-election.lease-name", defaultValue = "vmtemplating-operator") String leaseName,
            @ConfigProperty(name = "vmt.leader-election.namespace") Optional<String> namespace,
            @ConfigProperty(name = "vmt.leader-election.lease-duration", defaultValue = "PT15S") Duration leaseDuration,
            @ConfigProperty(name = "vmt.leader-election.renew-deadline", defaultValue = "PT10S") Duration renewDeadline,
            @ConfigProperty(name = "vmt.leader-election.retry-period", defaultValue = "PT2S") Duration retryPeriod) {
        String leaseNamespace = namespace.or(() -> Optional.ofNullable(System.getenv("POD_NAMESPACE")))
                .filter(n -> !n.isBlank()).orElse("vmtemplating-system");
        String identity = Optional.ofNullable(System.getenv("POD_NAME")).filter(n -> !n.isBlank())
                .orElseGet(() -> hostName() + "-" + ProcessHandle.current().pid());
        return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(leaseName)
                .withLeaseNamespace(leaseNamespace).withIdentity(identity)
                .withLeaseDuration(leaseDuration).withRenewDeadline(renewDeadline).withRetryPeriod(retryPeriod)
                .build();
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "operator";
        }
    }

    /** Our metrics in Quarkus' registry, which /q/metrics serves beside JOSDK's (docs/metrics.md). */
    @Produces
    @Singleton
    OperatorMetrics operatorMetrics(MeterRegistry registry) {
        return new OperatorMetrics(registry);
    }

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
