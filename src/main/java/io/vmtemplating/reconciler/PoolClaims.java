package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmClonePool;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.types.ClaimStatus;
import io.vmtemplating.launcher.PodContract;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Serves a claim (a VmClone naming a pool) at its first reconcile, warm or cold, so that no claim waits for a member:
 * <ol>
 * <li>warm: a Ready member of the pool's current template is adopted — its labels become a clone pod's and its
 * controller owner the claim, in one update guarded by the pod's resourceVersion, so two claims racing for one member
 * cannot both win (the loser takes the next) — then resumed through its launcher;</li>
 * <li>cold: with no Ready member, a clone pod with the pool's settings is created, as for a plain VmClone.</li>
 * </ol>
 * The claim's status says which (status.claim.path). Members of another template are never handed out: a claim made
 * after a rollout began gets a new member or the cold path.
 */
final class PoolClaims {
    static final String MEMBER_CACHE = "claim-members";

    private final LauncherPods pods;
    private final LauncherClient launcher;
    private final RecentClaims recentClaims;

    PoolClaims(LauncherPods pods, LauncherClient launcher, RecentClaims recentClaims) {
        this.pods = pods;
        this.launcher = launcher;
        this.recentClaims = recentClaims;
    }

    UpdateControl<VmClone> serve(VmClone claim, CloneStatusBuilder status, Context<VmClone> context, EventRecorder events,
            InformerEventSource<VmTemplate, VmClone> templates, LauncherReports reports, java.time.Duration statusRefresh) {
        long start = System.nanoTime();
        String namespace = claim.getMetadata().getNamespace();
        String poolName = claim.getSpec().poolRef().name();
        // read, not cached: a claim made right after the pool's templateRef changed must see the change (a rollout
        // never hands out a member of the old template); one GET by name, a quorum read on a real API server
        Optional<VmClonePool> pool = Optional.ofNullable(context.getClient().resources(VmClonePool.class)
                .inNamespace(namespace).withName(poolName).get());
        if (pool.isEmpty()) {
            return status.waitingForPool("PoolNotFound", "VmClonePool " + poolName + " does not exist in namespace "
                    + namespace + "; the claim is served once it does").patchIfChanged(claim);
        }
        String templateName = pool.get().getSpec().templateRef().name();
        Optional<VmTemplate> template = templates.get(new ResourceID(templateName, namespace));
        TemplatePhase phase = template.map(t -> t.getStatus() == null ? null : t.getStatus().phase()).orElse(null);
        if (template.isEmpty() || phase != TemplatePhase.Ready || template.get().getMetadata().getDeletionTimestamp() != null) {
            return status.waitingForTemplate(template.isEmpty() ? Conditions.REASON_TEMPLATE_NOT_FOUND : Conditions.REASON_TEMPLATE_NOT_READY,
                    "VmClonePool " + poolName + " restores from VmTemplate " + templateName + ", which "
                            + (template.isEmpty() ? "does not exist" : "is " + (phase == null ? "Pending" : phase))
                            + "; the claim is served once it is Ready").patchIfChanged(claim);
        }
        VmTemplate t = template.get();
        if (claim.getSpec().claimData() != null && t.getSpec().claimData() == null) {
            // admission checks this when it knows the pool's template; a claim admitted before it existed lands here
            return status.failed(Conditions.REASON_INVALID_SPEC, "spec.claimData: VmTemplate " + templateName + " of VmClonePool "
                    + poolName + " declares no spec.claimData: its guest has no guest agent to receive the data; recreate the"
                    + " claim without spec.claimData or use a pool whose template sets spec.claimData.directory").patchIfChanged(claim);
        }
        for (Pod member : readyMembers(context, pool.get(), t)) {
            // before the relabel: its watch event wakes the pool, which must find the refill held
            recentClaims.claimed(ResourceID.fromResource(pool.get()));
            Optional<Pod> adopted = adopt(context, member, claim);
            if (adopted.isEmpty()) {
                continue; // another claim took it first, or it is going away: the next one
            }
            boolean running = !Boolean.FALSE.equals(claim.getSpec().running());
            // inline, unlike every other launcher call (LauncherReports): the resume is what the claim waits for, a
            // loopback POST of ~2 ms bounded by the client's 2 s timeout, and the asynchronous path would add a
            // report's round trip to every claim (docs/pools.md)
            boolean resumed = running && launcher.post(adopted.get(), PodContract.PATH_RESUME);
            long millis = (System.nanoTime() - start) / 1_000_000;
            status.pod(adopted.get().getMetadata().getName(), adopted.get().getSpec().getNodeName(), t.getMetadata().getUid())
                    .claim(new ClaimStatus(poolName, ClaimStatus.WARM, templateName, millis));
            if (running && !resumed) {
                // the next reconcile (the pod's relabelling is an event) resumes it as for any clone
                status.restoring("claimed warm member " + adopted.get().getMetadata().getName() + "; resuming its guest");
            } else {
                status.running(!running, null, null);
                if (t.getSpec().claimData() != null) {
                    // sent now rather than at the next reconcile: the claim is Ready when the guest acknowledged
                    ResourceID id = ResourceID.fromResource(claim);
                    reports.poll(id, adopted.get(), statusRefresh);
                    ClaimDataDelivery.afterRestore(claim, adopted.get(), t.getSpec().claimData(), Optional.empty(), !running,
                            status, reports, context.getClient());
                }
            }
            events.normal(claim, "Claimed", "warm member " + adopted.get().getMetadata().getName() + " of VmClonePool "
                    + poolName + (resumed ? " resumed" : " handed over") + " in " + millis + " ms");
            return status.patchIfChanged(claim);
        }
        Pod cold = pods.coldClaimPod(claim, pool.get(), t);
        launcher.prepareNamespace(namespace);
        VmTemplateReconciler.createIgnoringConflict(context.getClient(), cold);
        long millis = (System.nanoTime() - start) / 1_000_000;
        status.pod(cold.getMetadata().getName(), cold.getSpec().getNodeName(), t.getMetadata().getUid())
                .claim(new ClaimStatus(poolName, ClaimStatus.COLD, templateName, millis))
                .restoring("VmClonePool " + poolName + " had no Ready member: restoring cold in pod " + cold.getMetadata().getName());
        events.normal(claim, "Claimed", "VmClonePool " + poolName + " had no Ready member of VmTemplate " + templateName
                + ": cold restore in pod " + cold.getMetadata().getName());
        return status.patchIfChanged(claim);
    }

    /** The pool's Ready members of this template, oldest first (the longest settled). */
    @SuppressWarnings("unchecked")
    private static List<Pod> readyMembers(Context<VmClone> context, VmClonePool pool, VmTemplate template) {
        InformerEventSource<Pod, VmClone> members = (InformerEventSource<Pod, VmClone>) context.eventSourceRetriever()
                .getEventSourceFor(Pod.class, MEMBER_CACHE);
        String poolUid = pool.getMetadata().getUid();
        String templateUid = template.getMetadata().getUid();
        return members.list(pod -> pool.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace())
                        && pod.getMetadata().getDeletionTimestamp() == null
                        && templateUid.equals(pod.getMetadata().getLabels().get(VmResources.LABEL_TEMPLATE_UID))
                        && pod.getMetadata().getOwnerReferences().stream().anyMatch(o -> poolUid.equals(o.getUid()))
                        && new PodView(pod).ready())
                .sorted(Comparator.comparing(pod -> String.valueOf(pod.getMetadata().getCreationTimestamp())))
                .toList();
    }

    /**
     * Makes the member the claim's pod: labels of a clone pod (the pool stops counting it, the clone reconciler's pod
     * informer starts), the claim as controller owner (deleting the claim deletes the pod). One update with the
     * member's resourceVersion: a conflict means someone else changed it first.
     */
    private static Optional<Pod> adopt(Context<VmClone> context, Pod member, VmClone claim) {
        Map<String, String> labels = new HashMap<>(member.getMetadata().getLabels());
        labels.remove(VmResources.LABEL_POOL);
        labels.put(VmResources.LABEL_ROLE, VmResources.ROLE_CLONE);
        labels.put(VmResources.LABEL_CLONE, VmResources.labelValue(claim.getMetadata().getName()));
        Pod adopted = new PodBuilder(member)
                .editMetadata()
                    .withLabels(labels)
                    .withOwnerReferences(new OwnerReferenceBuilder()
                            .withApiVersion(claim.getApiVersion()).withKind(claim.getKind())
                            .withName(claim.getMetadata().getName()).withUid(claim.getMetadata().getUid())
                            .withController(true).withBlockOwnerDeletion(true).build())
                .endMetadata()
                .build();
        try {
            return Optional.of(context.getClient().resource(adopted).update());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409 || e.getCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
