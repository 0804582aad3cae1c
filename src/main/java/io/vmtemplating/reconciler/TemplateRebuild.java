package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.VmTemplateStatus;
import io.vmtemplating.api.v1alpha1.types.Condition;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A Ready template whose files are gone from its node (a reboot wipes tmpfs) goes back to building: its old build
 * pods are deleted and its status returns to Pending, so the template reconciler starts a fresh build and the
 * clones waiting for it start once it is Ready again. Triggered by the clone that found the files missing.
 */
final class TemplateRebuild {
    private TemplateRebuild() {
    }

    /** @return true when this call sent the template back to building */
    static boolean request(KubernetesClient client, VmTemplate template, String reportedBy, String message, Clock clock) {
        VmTemplateStatus status = template.getStatus();
        if (status == null || status.phase() != TemplatePhase.Ready) {
            return false; // already rebuilding, or never built
        }
        String namespace = template.getMetadata().getNamespace();
        // one by one: RBAC grants delete on pods, not deletecollection
        client.pods().inNamespace(namespace)
                .withLabel(VmResources.LABEL_TEMPLATE_UID, template.getMetadata().getUid())
                .withLabel(VmResources.LABEL_ROLE, VmResources.ROLE_TEMPLATE)
                .list().getItems().forEach(pod -> client.resource(pod).delete());
        String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        Condition notReady = new Condition(Conditions.READY, Conditions.FALSE, Conditions.REASON_TEMPLATE_FILES_MISSING,
                "clone " + reportedBy + " found the template's files missing on node " + status.nodeName() + " (" + message
                        + "); rebuilding", now, template.getMetadata().getGeneration());
        client.resources(VmTemplate.class).inNamespace(namespace).withName(template.getMetadata().getName())
                .editStatus(t -> {
                    t.setStatus(new VmTemplateStatus(TemplatePhase.Pending, List.of(notReady), status.observedGeneration(),
                            null, null, null, null, null, null, status.clones(), 0));
                    return t;
                });
        new EventRecorder(client, clock).warning(template, Conditions.REASON_TEMPLATE_FILES_MISSING, notReady.message());
        return true;
    }
}
