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
import io.vmtemplating.webhook.VmCloneValidator;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Serves a claim (a VmClone naming a pool) at its first reconcile, warm or cold, so that no claim waits for a member:
 * <ol>
 * <li>warm: a Ready member of the pool's current template is reserved in this operator (one claim per member, and the
 * pool reconciler leaves a reserved member alone), resumed, and named in the claim's status; once that status is
 * written, the member is adopted — its labels become a clone pod's and its controller owner the claim, in one update
 * guarded by the pod's resourceVersion;</li>
 * <li>cold: with no Ready member, a clone pod with the pool's settings is created, as for a plain VmClone.</li>
 * </ol>
 * The claim's status says which (status.claim.path). Members of another template are never handed out: a claim made
 * after a rollout began gets a new member or the cold path. To know, the pool is read from the API server at claim
 * time; the member is picked from the pool as the operator's cache has it and its resume sent while that read travels,
 * and a read that disagrees (a rollout, a pool recreated under the same name) gives the member back — deleted if it was
 * resumed, since its guest ran — and picks again. Why the adoption comes after the status (docs/pools.md):
 * on a real API server the relabel is an 8–40 ms pod write, and the claim's VM is running without it; what makes the
 * order safe is that a member named in a claim's status is never handed out again ({@link #CLAIMED_MEMBERS}) and a
 * handover cut short (an operator restart) is finished by the claim's next reconcile ({@link #finishHandover}).
 */
final class PoolClaims {
    static final String MEMBER_CACHE = "claim-members";
    /** Claims by "namespace/podName" of the warm member their status names: handed out, whatever its labels say. */
    static final String CLAIMED_MEMBERS = "claimedMembers";
    private static final Logger LOG = Logger.getLogger(PoolClaims.class);

    private final LauncherPods pods;
    private final LauncherClient launcher;
    private final RecentClaims recentClaims;
    private final MemberReservations reservations;

    PoolClaims(LauncherPods pods, LauncherClient launcher, RecentClaims recentClaims) {
        this.pods = pods;
        this.launcher = launcher;
        this.recentClaims = recentClaims;
        this.reservations = recentClaims.members();
    }

    /** What serving a claim decided: the status to write, and the warm member to adopt once it is written. */
    record Served(UpdateControl<VmClone> control, Optional<Handover> handover) {
        static Served only(UpdateControl<VmClone> control) {
            return new Served(control, Optional.empty());
        }
    }

    /** A warm member named in a claim's status but not yet relabelled as its pod; resumed or still paused. */
    record Handover(Pod member, boolean resumed) {
    }

    /** The index of {@link #CLAIMED_MEMBERS}: a claim served warm, by the member its status names. */
    static List<String> claimedMember(VmClone clone) {
        return clone.getStatus() != null && clone.getStatus().podName() != null && clone.getStatus().claim() != null
                && ClaimStatus.WARM.equals(clone.getStatus().claim().path())
                ? List.of(clone.getMetadata().getNamespace() + "/" + clone.getStatus().podName())
                : List.of();
    }

    /**
     * Writes the claim's status naming the member, then makes the member the claim's pod. A status that could not be
     * written gives the member back ({@link #abandon}); a member that could not be adopted (deleted or relabelled by
     * someone else meanwhile) makes the claim look again at once: its next reconcile finds its pod gone.
     */
    UpdateControl<VmClone> writeStatusThenAdopt(Context<VmClone> context, VmClone claim, UpdateControl<VmClone> control,
            Handover handover) {
        UpdateControl<VmClone> written;
        try {
            written = StatusWrite.apply(context, claim, control);
        } catch (RuntimeException e) {
            abandon(context, handover, claim);
            throw e;
        }
        if (adopt(context, handover.member(), claim).isPresent()) {
            return written;
        }
        LOG.infof("claim %s/%s: warm member %s changed or went away before it could be relabelled",
                claim.getMetadata().getNamespace(), claim.getMetadata().getName(), handover.member().getMetadata().getName());
        return written.reschedule();
    }

    /**
     * The claim's status naming the member could not be written: nobody knows the member was handed out. Still
     * paused, it goes back to the pool; resumed, its guest ran outside any claim and it goes.
     */
    private void abandon(Context<VmClone> context, Handover handover, VmClone claim) {
        if (handover.resumed()) {
            retire(context, handover.member(), claim);
        } else {
            reservations.release(handover.member().getMetadata().getUid());
        }
    }

    /**
     * A claim whose status names a warm member that is still labelled a member of its pool: the handover was cut short
     * between the status write and the relabel (the operator stopped), or the relabel failed once. Finished now.
     */
    Optional<Pod> finishHandover(Context<VmClone> context, VmClone claim, Pod named) {
        if (claimedMember(claim).isEmpty() || !VmCloneValidator.isClaim(claim) || !aMember(named)
                || !claim.getSpec().poolRef().name().equals(named.getMetadata().getLabels().get(VmResources.LABEL_POOL))) {
            return Optional.empty();
        }
        reservations.reserve(named.getMetadata().getUid());
        LOG.infof("claim %s/%s: finishing the handover of warm member %s", claim.getMetadata().getNamespace(),
                claim.getMetadata().getName(), named.getMetadata().getName());
        return adopt(context, named, claim);
    }

    Served serve(VmClone claim, CloneStatusBuilder status, Context<VmClone> context, EventRecorder events,
            InformerEventSource<VmTemplate, VmClone> templates, LauncherReports reports, java.time.Duration statusRefresh) {
        long start = System.nanoTime();
        String namespace = claim.getMetadata().getNamespace();
        String poolName = claim.getSpec().poolRef().name();
        boolean running = !Boolean.FALSE.equals(claim.getSpec().running());
        // the pool is read, not cached, below; a member of the pool as the cache has it is taken, and its resume sent,
        // before that read, so that the two round trips overlap (each 5–10 ms on the real API server)
        Optional<Taken> early = context.getSecondaryResource(VmClonePool.class).flatMap(cached -> {
            Optional<VmTemplate> template = templateOf(cached, templates);
            return refusal(claim, cached, template).isEmpty() ? take(context, cached, template.get(), running) : Optional.empty();
        });
        // read, not cached: a claim made right after the pool's templateRef changed must see the change (a rollout
        // never hands out a member of the old template); one GET by name, a quorum read on a real API server
        Optional<VmClonePool> pool;
        try {
            pool = Optional.ofNullable(context.getClient().resources(VmClonePool.class)
                    .inNamespace(namespace).withName(poolName).get());
        } catch (RuntimeException e) {
            early.ifPresent(taken -> giveBack(context, taken, claim));
            throw e;
        }
        Optional<VmTemplate> template = pool.flatMap(p -> templateOf(p, templates));
        Optional<Refusal> refused = pool.map(p -> refusal(claim, p, template)).orElse(Optional.of(new Refusal(
                Refusal.Kind.POOL, "PoolNotFound", "VmClonePool " + poolName + " does not exist in namespace " + namespace
                        + "; the claim is served once it does")));
        if (refused.isPresent()) {
            early.ifPresent(taken -> giveBack(context, taken, claim));
            return Served.only(refused.get().into(status).patchIfChanged(claim));
        }
        VmTemplate t = template.get();
        String templateName = t.getMetadata().getName();
        // the early member stands if the pool read is the one it was taken from: same pool, same template
        Optional<Taken> taken = early.filter(e -> e.pool().getMetadata().getUid().equals(pool.get().getMetadata().getUid())
                && e.templateUid().equals(t.getMetadata().getUid()));
        if (taken.isEmpty()) {
            early.ifPresent(e -> giveBack(context, e, claim)); // a rollout or a new pool of that name since the cache
            taken = take(context, pool.get(), t, running);
        }
        if (taken.isPresent()) {
            try {
                return handOut(claim, status, context, events, reports, statusRefresh, taken.get(), t, start);
            } catch (RuntimeException e) {
                giveBack(context, taken.get(), claim); // not named in the claim's status: nobody knows it was taken
                throw e;
            }
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
        return Served.only(status.patchIfChanged(claim));
    }

    /** The warm path's status: the member resumed (or kept paused), named in the claim's status, adopted after it. */
    private Served handOut(VmClone claim, CloneStatusBuilder status, Context<VmClone> context, EventRecorder events,
            LauncherReports reports, java.time.Duration statusRefresh, Taken taken, VmTemplate t, long start) {
        Pod member = taken.member();
        String poolName = claim.getSpec().poolRef().name();
        String templateName = t.getMetadata().getName();
        boolean running = !Boolean.FALSE.equals(claim.getSpec().running());
        // inside the reconcile, unlike every other launcher call (LauncherReports): it is what the claim waits
        // for, bounded by the client's 2 s timeout
        boolean resumed = taken.resume().join();
        long millis = (System.nanoTime() - start) / 1_000_000;
        status.pod(member.getMetadata().getName(), member.getSpec().getNodeName(), t.getMetadata().getUid())
                .claim(new ClaimStatus(poolName, ClaimStatus.WARM, templateName, millis));
        if (running && !resumed) {
            // the next reconcile (the relabelling is an event) resumes it as for any clone
            status.restoring("claimed warm member " + member.getMetadata().getName() + "; resuming its guest");
        } else {
            status.running(!running, null, null);
            if (t.getSpec().claimData() != null) {
                // sent now rather than at the next reconcile: the claim is Ready when the guest acknowledged
                ResourceID id = ResourceID.fromResource(claim);
                reports.poll(id, member, statusRefresh);
                ClaimDataDelivery.afterRestore(claim, member, t.getSpec().claimData(), Optional.empty(), !running,
                        status, reports, context.getClient());
            }
        }
        events.normal(claim, "Claimed", "warm member " + member.getMetadata().getName() + " of VmClonePool "
                + poolName + (resumed ? " resumed" : " handed over") + " in " + millis + " ms");
        return new Served(status.patchIfChanged(claim), Optional.of(new Handover(member, resumed)));
    }

    /** A member this claim reserved, of this pool and template, with its resume on its way (false: not sent). */
    private record Taken(Pod member, VmClonePool pool, String templateUid, CompletableFuture<Boolean> resume) {
    }

    /** Why a claim cannot be served from this pool now, in the words of its status. */
    private record Refusal(Kind kind, String reason, String message) {
        enum Kind { POOL, TEMPLATE, INVALID }

        CloneStatusBuilder into(CloneStatusBuilder status) {
            return switch (kind) {
                case POOL -> status.waitingForPool(reason, message);
                case TEMPLATE -> status.waitingForTemplate(reason, message);
                case INVALID -> status.failed(reason, message);
            };
        }
    }

    /** Pure: the pool's template ({@link #templateOf}) is missing or not Ready, or the claim asks what it cannot give. */
    private static Optional<Refusal> refusal(VmClone claim, VmClonePool pool, Optional<VmTemplate> template) {
        String poolName = pool.getMetadata().getName();
        String templateName = pool.getSpec().templateRef().name();
        TemplatePhase phase = template.map(t -> t.getStatus() == null ? null : t.getStatus().phase()).orElse(null);
        if (template.isEmpty() || phase != TemplatePhase.Ready || template.get().getMetadata().getDeletionTimestamp() != null) {
            return Optional.of(new Refusal(Refusal.Kind.TEMPLATE,
                    template.isEmpty() ? Conditions.REASON_TEMPLATE_NOT_FOUND : Conditions.REASON_TEMPLATE_NOT_READY,
                    "VmClonePool " + poolName + " restores from VmTemplate " + templateName + ", which "
                            + (template.isEmpty() ? "does not exist" : "is " + (phase == null ? "Pending" : phase))
                            + "; the claim is served once it is Ready"));
        }
        if (claim.getSpec().claimData() != null && template.get().getSpec().claimData() == null) {
            // admission checks this when it knows the pool's template; a claim admitted before it existed lands here
            return Optional.of(new Refusal(Refusal.Kind.INVALID, Conditions.REASON_INVALID_SPEC, "spec.claimData: VmTemplate "
                    + templateName + " of VmClonePool " + poolName + " declares no spec.claimData: its guest has no guest agent"
                    + " to receive the data; recreate the claim without spec.claimData or use a pool whose template sets"
                    + " spec.claimData.directory"));
        }
        return Optional.empty();
    }

    private static Optional<VmTemplate> templateOf(VmClonePool pool, InformerEventSource<VmTemplate, VmClone> templates) {
        return templates.get(new ResourceID(pool.getSpec().templateRef().name(), pool.getMetadata().getNamespace()));
    }

    /** Reserves the oldest free Ready member of the pool's template and sends its resume (if the claim runs). */
    private Optional<Taken> take(Context<VmClone> context, VmClonePool pool, VmTemplate template, boolean running) {
        for (Pod member : readyMembers(context, pool, template)) {
            if (reservations.reserve(member.getMetadata().getUid())) {
                // before the status write: the pool's next reconcile must find the refill held
                recentClaims.claimed(ResourceID.fromResource(pool));
                return Optional.of(new Taken(member, pool, template.getMetadata().getUid(), running
                        ? launcher.postAsync(member, PodContract.PATH_RESUME)
                        : CompletableFuture.completedFuture(false)));
            }
            // else another claim is taking it
        }
        return Optional.empty();
    }

    /** A member taken but not handed out: still paused it goes back to the pool; resumed, its guest ran and it goes. */
    private void giveBack(Context<VmClone> context, Taken taken, VmClone claim) {
        abandon(context, new Handover(taken.member(), taken.resume().join()), claim);
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
                        // named by a claim whose relabel is not written yet, or was cut short
                        && context.getPrimaryCache().byIndex(CLAIMED_MEMBERS,
                                pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName()).isEmpty()
                        && templateUid.equals(pod.getMetadata().getLabels().get(VmResources.LABEL_TEMPLATE_UID))
                        && pod.getMetadata().getOwnerReferences().stream().anyMatch(o -> poolUid.equals(o.getUid()))
                        && new PodView(pod).ready())
                .sorted(Comparator.comparing(pod -> String.valueOf(pod.getMetadata().getCreationTimestamp())))
                .toList();
    }

    /**
     * A member this claim resumed but could not name in its status: its guest ran outside any claim, so it is deleted
     * rather than handed out later, unless it is going away already or became another clone's pod (only another
     * operator replica could have done that). The pool refills.
     */
    private static void retire(Context<VmClone> context, Pod member, VmClone claim) {
        Pod now = context.getClient().pods().inNamespace(member.getMetadata().getNamespace())
                .withName(member.getMetadata().getName()).get();
        if (stillTheMember(now, member)) {
            LOG.infof("deleting pool member %s/%s: resumed for claim %s, which could not take it", now.getMetadata().getNamespace(),
                    now.getMetadata().getName(), claim.getMetadata().getName());
            context.getClient().resource(now).delete();
        }
    }

    /**
     * Makes the member the claim's pod: labels of a clone pod (the pool stops counting it, the clone reconciler's pod
     * informer starts), the claim as controller owner (deleting the claim deletes the pod). One update with the
     * member's resourceVersion: a conflict means something changed it first (its status, most often: tried again on
     * the server's copy while it is still a Ready member).
     */
    private static Optional<Pod> adopt(Context<VmClone> context, Pod member, VmClone claim) {
        try {
            return Optional.of(context.getClient().resource(relabelled(member, claim)).update());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409 && e.getCode() != 404) {
                throw e;
            }
        }
        // the cache's copy was older than the server's (a status update of the pod): once more on the server's, if
        // it is still an untouched member; it is reserved, so no claim of ours is changing it
        Pod current = context.getClient().pods().inNamespace(member.getMetadata().getNamespace())
                .withName(member.getMetadata().getName()).get();
        if (!stillTheMember(current, member) || !new PodView(current).ready()) {
            return Optional.empty();
        }
        try {
            return Optional.of(context.getClient().resource(relabelled(current, claim)).update());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409 || e.getCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The same pod, not going away, still labelled a pool member. */
    static boolean stillTheMember(Pod current, Pod member) {
        return current != null && member.getMetadata().getUid().equals(current.getMetadata().getUid()) && aMember(current);
    }

    /** Labelled a pool member and not going away. */
    private static boolean aMember(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() == null
                && VmResources.ROLE_POOL_MEMBER.equals(pod.getMetadata().getLabels().get(VmResources.LABEL_ROLE));
    }

    /** The member with a clone pod's labels and the claim as its controller owner. */
    private static Pod relabelled(Pod member, VmClone claim) {
        Map<String, String> labels = new HashMap<>(member.getMetadata().getLabels());
        labels.remove(VmResources.LABEL_POOL);
        labels.put(VmResources.LABEL_ROLE, VmResources.ROLE_CLONE);
        labels.put(VmResources.LABEL_CLONE, VmResources.labelValue(claim.getMetadata().getName()));
        return new PodBuilder(member)
                .editMetadata()
                    .withLabels(labels)
                    .withOwnerReferences(new OwnerReferenceBuilder()
                            .withApiVersion(claim.getApiVersion()).withKind(claim.getKind())
                            .withName(claim.getMetadata().getName()).withUid(claim.getMetadata().getUid())
                            .withController(true).withBlockOwnerDeletion(true).build())
                .endMetadata()
                .build();
    }
}
