package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.ConfigurationService;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * Writes the status a reconcile returns the way JOSDK's {@code UpdateControl.patchStatus} would (server-side apply,
 * or a JSON patch where the API server has none), then reconciles again at once when the written object shows a
 * generation this reconcile did not see.
 *
 * <p>Why: JOSDK 5.3.2 holds back the watch events that arrive while its own status write is in flight and drops
 * those older than the write (java-operator-sdk issue 3398, fixed after 5.3). A change committed just before our
 * status write — a {@code kubectl scale} of a pool, a deletion — then never triggers a reconcile: a CI run saw a pool
 * scaled to 0 keep its member for 5 minutes. The write's response carries the new generation, so it is caught here.
 */
final class StatusWrite {
    private StatusWrite() {
    }

    /** @return the control without its status write (done here), rescheduled at once when the spec moved on */
    static <P extends HasMetadata> UpdateControl<P> apply(Context<P> context, P reconciled, UpdateControl<P> control) {
        if (!control.isPatchStatus() || control.getResource().isEmpty()) {
            return control;
        }
        P written = write(context, reconciled, control.getResource().get());
        UpdateControl<P> next = UpdateControl.noUpdate();
        if (specMovedOn(reconciled.getMetadata().getGeneration(), written.getMetadata().getGeneration())) {
            return next.reschedule();
        }
        control.getScheduleDelay().ifPresent(next::rescheduleAfter);
        return next;
    }

    /** Pure: the object written has a generation newer than the one this reconcile read. */
    static boolean specMovedOn(Long reconciledGeneration, Long writtenGeneration) {
        return reconciledGeneration != null && writtenGeneration != null && writtenGeneration > reconciledGeneration;
    }

    /** As JOSDK's dispatcher writes a status: the same calls, so its read-after-write cache sees our write. */
    private static <P extends HasMetadata> P write(Context<P> context, P reconciled, P fresh) {
        ConfigurationService configuration = context.getControllerConfiguration().getConfigurationService();
        if (configuration.useSSAToPatchPrimaryResource()) {
            return context.resourceOperations().serverSideApplyPrimaryStatus(fresh);
        }
        // a JSON patch from the object read to the new one, without optimistic locking (as JOSDK does)
        P original = configuration.getResourceCloner().clone(reconciled);
        original.getMetadata().setResourceVersion(null);
        fresh.getMetadata().setResourceVersion(null);
        return context.resourceOperations().jsonPatchPrimaryStatus(original, unused -> fresh);
    }
}
