package io.vmtemplating.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.vmtemplating.reconciler.LauncherClient;
import io.vmtemplating.reconciler.LauncherTokens;
import io.vmtemplating.reconciler.OperatorSettings;
import io.vmtemplating.reconciler.VmCloneReconciler;
import io.vmtemplating.reconciler.RecentClaims;
import io.vmtemplating.reconciler.VmClonePoolReconciler;
import io.vmtemplating.reconciler.VmTemplateReconciler;
import java.time.Clock;

/**
 * The reconcilers as `vmt operator` runs them on a real API server, for the operator bench's child JVM: JOSDK's
 * defaults (server-side apply on, which fabric8's mock cannot serve, hence LocalCluster.startOperator turns it off)
 * and the operator's default settings (OperatorBeans' defaults: what a Deployment without vmt.* settings gets).
 */
final class ClusterOperator {
    private ClusterOperator() {
    }

    static Operator start(KubernetesClient client, Metrics metrics) {
        Operator operator = new Operator(o -> o.withKubernetesClient(client)
                .withCloseClientOnStop(false)
                .withStopOnInformerErrorDuringStartup(true)
                .withMetrics(metrics));
        LauncherClient launcher = new LauncherClient(new LauncherTokens(client));
        operator.register(new VmTemplateReconciler(OperatorSettings.DEFAULTS, launcher, Clock.systemUTC()));
        RecentClaims recentClaims = new RecentClaims();
        operator.register(new VmCloneReconciler(OperatorSettings.DEFAULTS, launcher, Clock.systemUTC(), recentClaims));
        operator.register(new VmClonePoolReconciler(OperatorSettings.DEFAULTS, launcher, Clock.systemUTC(), recentClaims));
        operator.start();
        return operator;
    }
}
