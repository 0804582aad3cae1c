package io.vmtemplating.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.ConfigurationService;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * Writes the status a reconcile returns as JOSDK's {@code UpdateControl.patchStatus} would (server-side apply, or
 * where the API server has none a JSON patch, here one that replaces the whole status), then reconciles again at
 * once when the written object shows a generation this reconcile did not see.
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
        P written = write(context, control.getResource().get());
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

    /**
     * Through JOSDK's resource operations, so its read-after-write cache sees our write: server-side apply, or where
     * the API server has none, a JSON Patch that replaces the whole status.
     *
     * <p>Why not JOSDK's JSON patch from the object read to the new one: that diff names list indexes of the status
     * as read, and a status that moved meanwhile (the reconcile's object older than the stored one) makes it fail, or
     * worse on fabric8's storage, which created a missing {@code /status/conditions} as an object and left a template
     * no client could read. The reconcilers build the whole status each time, so replacing it loses nothing.
     */
    private static <P extends HasMetadata> P write(Context<P> context, P fresh) {
        ConfigurationService configuration = context.getControllerConfiguration().getConfigurationService();
        if (configuration.useSSAToPatchPrimaryResource()) {
            return context.resourceOperations().serverSideApplyPrimaryStatus(fresh);
        }
        String replacement = wholeStatus(fresh);
        return context.resourceOperations().resourcePatch(fresh, r -> context.getClient().resource(r).subresource("status")
                .patch(PatchContext.of(PatchType.JSON), replacement), context.eventSourceRetriever().getControllerEventSource());
    }

    /** Pure: a JSON Patch setting the object's status to the one it holds, whatever the stored status is. */
    static String wholeStatus(HasMetadata withStatus) {
        JsonNode status = Serialization.jsonMapper().valueToTree(withStatus).path("status");
        ArrayNode patch = Serialization.jsonMapper().createArrayNode();
        patch.addObject().put("op", "add").put("path", "/status").set("value", status.isMissingNode() ? NullNode.getInstance() : status);
        return patch.toString();
    }
}
