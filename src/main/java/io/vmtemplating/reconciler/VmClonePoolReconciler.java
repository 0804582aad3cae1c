package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.types.Condition;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClonePool;
import io.vmtemplating.api.v1alpha1.VmClonePoolStatus;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.types.PlacementSpec;
import io.vmtemplating.metrics.OperatorMetrics;
import io.vmtemplating.webhook.VmClonePoolValidator;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * VmClonePool → warm members: clone pods of the pool's template, restored paused, kept at spec.replicas. A claim
 * (VmCloneReconciler, {@link PoolClaims}) relabels a Ready member as its own, and the member count here drops: the
 * pool refills. A new templateRef rolls the members over: new ones first, the old ones deleted once enough new ones
 * are Ready. Members of a template being deleted are removed.
 */
@ControllerConfiguration(name = "vmclonepool")
public class VmClonePoolReconciler implements Reconciler<VmClonePool> {
    /** Pools by "namespace/templateName": template events reach exactly the pools that name it. */
    static final String POOLS_BY_TEMPLATE = "poolsByTemplate";
    /** Ready False: members fail soon after they are made, and their slots wait before the next attempt. */
    static final String REASON_MEMBERS_FAILING = "MembersFailing";

    private final LauncherPods pods;
    private final LauncherClient launcher;
    private final Clock clock;
    private final OperatorMetrics metrics;
    private final RecentClaims recentClaims;

    /** @param recentClaims the clone reconciler's: its claims hold this pool's refill back */
    public VmClonePoolReconciler(OperatorSettings settings, LauncherClient launcher, Clock clock, RecentClaims recentClaims) {
        this(settings, launcher, clock, OperatorMetrics.none(), recentClaims);
    }

    @Inject
    public VmClonePoolReconciler(OperatorSettings settings, LauncherClient launcher, Clock clock, OperatorMetrics metrics,
            RecentClaims recentClaims) {
        this.pods = new LauncherPods(settings);
        this.launcher = launcher;
        this.clock = clock;
        this.metrics = metrics;
        this.recentClaims = recentClaims;
    }

    @Override
    public List<EventSource<?, VmClonePool>> prepareEventSources(EventSourceContext<VmClonePool> context) {
        context.getPrimaryCache().addIndexer(POOLS_BY_TEMPLATE, pool -> pool.getSpec() == null || pool.getSpec().templateRef() == null
                ? List.of()
                : List.of(pool.getMetadata().getNamespace() + "/" + pool.getSpec().templateRef().name()));
        var templateConfig = InformerEventSourceConfiguration.from(VmTemplate.class, VmClonePool.class)
                .withName("pool-templates")
                .withSecondaryToPrimaryMapper((VmTemplate template) -> context.getPrimaryCache()
                        .byIndex(POOLS_BY_TEMPLATE, template.getMetadata().getNamespace() + "/" + template.getMetadata().getName())
                        .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
                .withPrimaryToSecondaryMapper((VmClonePool pool) -> pool.getSpec() == null || pool.getSpec().templateRef() == null
                        ? Set.of()
                        : Set.of(new ResourceID(pool.getSpec().templateRef().name(), pool.getMetadata().getNamespace())))
                .withOnUpdateFilter(VmCloneReconciler::templateChangeMattersToClones)
                .build();
        var memberConfig = InformerEventSourceConfiguration.from(Pod.class, VmClonePool.class)
                .withName("pool-members")
                .withLabelSelector(VmResources.podSelector(VmResources.ROLE_POOL_MEMBER))
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(VmClonePool.class))
                .build();
        return List.of(new InformerEventSource<>(templateConfig, context), new InformerEventSource<>(memberConfig, context));
    }

    @Override
    public UpdateControl<VmClonePool> reconcile(VmClonePool pool, Context<VmClonePool> context) {
        EventRecorder events = new EventRecorder(context.getClient(), clock);
        Optional<VmTemplate> template = context.getSecondaryResource(VmTemplate.class);
        List<Pod> members = context.getSecondaryResources(Pod.class).stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                // a claimed member is relabelled; until the cache sees that, it is no longer ours
                .filter(p -> VmResources.ROLE_POOL_MEMBER.equals(p.getMetadata().getLabels().get(VmResources.LABEL_ROLE)))
                // nor is one a claim is taking: its status names it before the relabel is written (PoolClaims), and
                // a scale-down or rollout deleting it then would take a running claim's VM
                .filter(p -> !recentClaims.members().held(p.getMetadata().getUid()))
                .toList();
        int replicas = Optional.ofNullable(pool.getSpec().replicas()).orElse(1);
        String templateName = pool.getSpec().templateRef().name();

        String invalid = VmTemplateReconciler.render(VmClonePoolValidator.validate(pool, template)).orElse(null);
        String usableUid = null;
        String readyReason;
        String readyMessage;
        if (invalid != null) {
            readyReason = Conditions.REASON_INVALID_SPEC;
            readyMessage = invalid;
        } else if (template.isEmpty()) {
            readyReason = Conditions.REASON_TEMPLATE_NOT_FOUND;
            readyMessage = "VmTemplate " + templateName + " does not exist in namespace " + pool.getMetadata().getNamespace()
                    + "; members are made once it is Ready (claims meanwhile take the cold path and wait for it)";
        } else if (template.get().getMetadata().getDeletionTimestamp() != null) {
            readyReason = Conditions.REASON_TEMPLATE_NOT_READY;
            readyMessage = "VmTemplate " + templateName + " is being deleted; its members are removed";
        } else if (phase(template.get()) != TemplatePhase.Ready) {
            readyReason = Conditions.REASON_TEMPLATE_NOT_READY;
            readyMessage = "VmTemplate " + templateName + " is " + phase(template.get()) + "; members are made once it is Ready";
        } else {
            usableUid = template.get().getMetadata().getUid();
            readyReason = null;
            readyMessage = null;
        }

        String currentUid = usableUid;
        // a template on several nodes serves from its Ready copies only: a member elsewhere is replaced
        Set<String> servingNodes = currentUid == null || PlacementSpec.copiesOf(template.get().getSpec().placement()) == 1 ? null
                : Set.copyOf(TemplateCopies.readyNodes(template.get().getStatus()));
        PoolPlan plan = PoolPlan.of(members, currentUid, replicas, java.time.Instant.now(), servingNodes);
        for (Pod pod : plan.delete()) {
            context.getClient().resource(pod).delete();
        }
        long drained = plan.delete().stream().filter(p -> currentUid == null
                || !currentUid.equals(p.getMetadata().getLabels().get(VmResources.LABEL_TEMPLATE_UID))).count();
        if (drained > 0) {
            events.normal(pool, "Rollout", "removed " + drained + " member(s) of an earlier or deleted template"
                    + (currentUid == null ? "" : "; " + plan.ready() + " of VmTemplate " + templateName + " are Ready"));
        }
        // a claim was just served: its status write and its guest get the node before new members (RecentClaims)
        Duration refillHold = plan.create() > 0 ? recentClaims.refillHold(ResourceID.fromResource(pool)) : Duration.ZERO;
        int create = refillHold.isZero() ? plan.create() : 0;
        if (create > 0) {
            launcher.prepareNamespace(pool.getMetadata().getNamespace());
            for (int i = 0; i < create; i++) {
                VmTemplateReconciler.createIgnoringConflict(context.getClient(),
                        pods.poolMemberPod(pool, template.get(), VmResources.poolMemberPodName(pool)));
            }
            metrics.poolRefilled(pool.getMetadata().getNamespace(), pool.getMetadata().getName(), create);
            events.normal(pool, "Refill", "creating " + create + " member(s) of VmTemplate " + templateName
                    + " (" + plan.current() + " of " + replicas + " exist)");
        }

        // failed members kept in their slot until it is tried again (PoolPlan), oldest first
        List<Pod> heldSlots = members.stream().filter(p -> new PodView(p).failed() && !plan.delete().contains(p))
                .sorted(java.util.Comparator.comparing(p -> String.valueOf(p.getMetadata().getCreationTimestamp()))).toList();
        // the node's refusals for room have their own condition (CapacityLimited)
        List<Pod> failing = heldSlots.stream().filter(p -> !PoolCapacity.rejectedByNode(p)).toList();
        ConditionSet conditions = new ConditionSet(pool.getStatus() == null ? null : pool.getStatus().conditions(),
                pool.getMetadata().getGeneration(), clock);
        if (readyReason != null) {
            conditions.set(Conditions.READY, Conditions.FALSE, readyReason, readyMessage);
            if (invalid != null) {
                conditions.set(Conditions.STALLED, Conditions.TRUE, readyReason, readyMessage);
            }
        } else if (plan.ready() >= replicas) {
            conditions.set(Conditions.READY, Conditions.TRUE, "MembersReady",
                    plan.ready() + " of " + replicas + " members restored and paused, ready to be claimed");
        } else if (!failing.isEmpty()) {
            String last = new PodView(failing.get(failing.size() - 1)).failureMessage();
            String message = plan.ready() + " of " + replicas + " members Ready; " + failing.size() + " failed within "
                    + PoolCapacity.RETRY.toSeconds() + " s of being made (last: " + last + "); each such slot is tried again "
                    + PoolCapacity.RETRY.toSeconds() + " s after its member was made, not recreated in a loop;"
                    + " claims take the cold path while no member is Ready";
            if (!previous(pool, Conditions.READY).map(c -> REASON_MEMBERS_FAILING.equals(c.reason())).orElse(false)) {
                events.warning(pool, REASON_MEMBERS_FAILING, message);
            }
            conditions.set(Conditions.READY, Conditions.FALSE, REASON_MEMBERS_FAILING, message);
        } else {
            conditions.set(Conditions.READY, Conditions.FALSE, "Refilling", plan.ready() + " of " + replicas
                    + " members Ready; claims take the cold path while none is");
        }
        // only members that exist and are not going away: a pod of the old template being drained says nothing
        PoolCapacity capacity = PoolCapacity.of(members.stream().filter(p -> !plan.delete().contains(p)).toList());
        List<String> limit = capacity.condition(replicas);
        conditions.set(Conditions.CAPACITY_LIMITED, limit.get(0), limit.get(1), limit.get(2));
        boolean wasLimited = previous(pool, Conditions.CAPACITY_LIMITED).map(c -> Conditions.TRUE.equals(c.status())).orElse(false);
        if (capacity.limited() && !wasLimited) {
            events.warning(pool, "CapacityLimited", limit.get(2));
        }
        VmClonePoolStatus next = new VmClonePoolStatus(plan.current() + create, plan.ready(), plan.outdated(),
                VmResources.poolMemberSelector(pool), usableUid, conditions.toList(), pool.getMetadata().getGeneration());
        // a failed member's slot is tried again after PoolCapacity.RETRY: look again then
        Optional<Duration> lookAgain = !refillHold.isZero() ? Optional.of(refillHold)
                : !heldSlots.isEmpty() ? Optional.of(PoolCapacity.RETRY) : Optional.empty();
        if (Objects.equals(next, pool.getStatus())) {
            return lookAgain.map(UpdateControl.<VmClonePool>noUpdate()::rescheduleAfter).orElse(UpdateControl.noUpdate());
        }
        VmClonePool fresh = new VmClonePool();
        fresh.setMetadata(new ObjectMetaBuilder().withName(pool.getMetadata().getName())
                .withNamespace(pool.getMetadata().getNamespace()).build());
        fresh.setStatus(next);
        UpdateControl<VmClonePool> patch = UpdateControl.patchStatus(fresh);
        return StatusWrite.apply(context, pool, lookAgain.map(patch::rescheduleAfter).orElse(patch));
    }

    /** The condition of this type the pool's status had before this reconcile. */
    private static Optional<Condition> previous(VmClonePool pool, String type) {
        return pool.getStatus() == null || pool.getStatus().conditions() == null ? Optional.empty()
                : pool.getStatus().conditions().stream().filter(c -> type.equals(c.type())).findFirst();
    }

    private static TemplatePhase phase(VmTemplate template) {
        return template.getStatus() == null || template.getStatus().phase() == null ? TemplatePhase.Pending : template.getStatus().phase();
    }
}
