package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.vmtemplating.api.v1alpha1.ClonePhase;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmClonePool;
import io.vmtemplating.api.v1alpha1.VmCloneStatus;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.VmTemplateStatus;
import io.vmtemplating.api.v1alpha1.types.ClaimDataTarget;
import io.vmtemplating.api.v1alpha1.types.CloneMemoryFigures;
import io.vmtemplating.launcher.LauncherResult;
import io.vmtemplating.launcher.PodContract;
import io.vmtemplating.metrics.OperatorMetrics;
import io.vmtemplating.webhook.VmCloneValidator;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * VmClone → a launcher pod on the template's node once the template is Ready → status from the pod and the
 * launcher's /status. spec.running pauses and resumes the guest. The pod is owned by the clone: deleting the
 * clone deletes the pod, whose SIGTERM makes the launcher quit QEMU cleanly.
 */
@ControllerConfiguration(name = "vmclone")
public class VmCloneReconciler implements Reconciler<VmClone> {
    /** Clones by "namespace/templateName": template events reach exactly the clones that name it. */
    static final String CLONES_BY_TEMPLATE = "clonesByTemplate";
    /** Claims not served yet, by "namespace/poolName": a pool that appears serves the claims waiting for it. */
    static final String WAITING_CLAIMS_BY_POOL = "waitingClaimsByPool";

    /** How long after its launcher started a clone's own /status is asked, before its pod is Ready. */
    static final Duration EARLY_STATUS_WINDOW = Duration.ofSeconds(15);
    static final Duration EARLY_STATUS_POLL = Duration.ofMillis(100);
    /** When a warm claim's launcher is first asked for its /status (memory figures): after a burst's claims. */
    static final Duration FIRST_REPORT_OF_A_CLAIM = Duration.ofSeconds(1);

    private final OperatorSettings settings;
    private final LauncherPods pods;
    private final LauncherClient launcher;
    private final Clock clock;
    private final PoolClaims claims;
    private final OperatorMetrics metrics;
    private InformerEventSource<VmTemplate, VmClone> templates;
    /** Set by {@link #prepareEventSources}, which JOSDK calls once before any reconcile. */
    private LauncherReports reports;
    private KnownNodes<VmClone> nodes;
    /** Clones by the node they run on: a node's departure reaches exactly those. */
    static final String CLONES_BY_NODE = "clonesByNode";
    /** Clones waiting for a Ready copy on a node their spec.nodeSelector picks. */
    static final String WAITING_FOR_SELECTED_NODE = "waitingForSelectedNode";

    public VmCloneReconciler(OperatorSettings settings, LauncherClient launcher, Clock clock) {
        this(settings, launcher, clock, new RecentClaims());
    }

    /** @param recentClaims the pool reconciler's: a claim served here holds that pool's refill back */
    public VmCloneReconciler(OperatorSettings settings, LauncherClient launcher, Clock clock, RecentClaims recentClaims) {
        this(settings, launcher, clock, OperatorMetrics.none(), recentClaims);
    }

    @Inject
    public VmCloneReconciler(OperatorSettings settings, LauncherClient launcher, Clock clock, OperatorMetrics metrics,
            RecentClaims recentClaims) {
        this.settings = settings;
        this.pods = new LauncherPods(settings);
        this.launcher = launcher;
        this.clock = clock;
        this.claims = new PoolClaims(pods, launcher, recentClaims);
        this.metrics = metrics;
    }

    @Override
    public List<EventSource<?, VmClone>> prepareEventSources(EventSourceContext<VmClone> context) {
        context.getPrimaryCache().addIndexer(CLONES_BY_TEMPLATE, clone -> VmResources.templateOf(clone)
                .map(name -> List.of(clone.getMetadata().getNamespace() + "/" + name)).orElse(List.of()));
        context.getPrimaryCache().addIndexer(PoolClaims.CLAIMED_MEMBERS, PoolClaims::claimedMember);
        context.getPrimaryCache().addIndexer(WAITING_CLAIMS_BY_POOL, clone -> VmCloneValidator.isClaim(clone)
                && (clone.getStatus() == null || clone.getStatus().podName() == null)
                ? List.of(clone.getMetadata().getNamespace() + "/" + clone.getSpec().poolRef().name())
                : List.of());
        var templateConfig = InformerEventSourceConfiguration.from(VmTemplate.class, VmClone.class)
                .withName("clone-templates")
                .withSecondaryToPrimaryMapper((VmTemplate template) -> context.getPrimaryCache()
                        .byIndex(CLONES_BY_TEMPLATE, template.getMetadata().getNamespace() + "/" + template.getMetadata().getName())
                        .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
                .withPrimaryToSecondaryMapper((VmClone clone) -> VmResources.templateOf(clone)
                        .map(name -> Set.of(new ResourceID(name, clone.getMetadata().getNamespace()))).orElse(Set.of()))
                // the template's clone count changes with every clone: without this filter, N clones cost N² reconciles
                .withOnUpdateFilter(VmCloneReconciler::templateChangeMattersToClones)
                .build();
        var podConfig = InformerEventSourceConfiguration.from(Pod.class, VmClone.class)
                .withName("clone-pods")
                .withLabelSelector(VmResources.podSelector(VmResources.ROLE_CLONE))
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(VmClone.class))
                .build();
        var poolConfig = InformerEventSourceConfiguration.from(VmClonePool.class, VmClone.class)
                .withName("claim-pools")
                .withSecondaryToPrimaryMapper((VmClonePool pool) -> context.getPrimaryCache()
                        .byIndex(WAITING_CLAIMS_BY_POOL, pool.getMetadata().getNamespace() + "/" + pool.getMetadata().getName())
                        .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
                .withPrimaryToSecondaryMapper((VmClone clone) -> VmCloneValidator.isClaim(clone)
                        ? Set.of(new ResourceID(clone.getSpec().poolRef().name(), clone.getMetadata().getNamespace()))
                        : Set.of())
                // only a pool's appearance and its template matter to waiting claims, not its member counts
                .withOnUpdateFilter((before, after) -> !Objects.equals(before.getSpec(), after.getSpec()))
                .build();
        // a cache of warm members to pick from, mapped to no clone: a member is no clone's until adopted
        var memberConfig = InformerEventSourceConfiguration.from(Pod.class, VmClone.class)
                .withName(PoolClaims.MEMBER_CACHE)
                .withLabelSelector(VmResources.podSelector(VmResources.ROLE_POOL_MEMBER))
                .withSecondaryToPrimaryMapper((Pod pod) -> Set.of())
                .build();
        templates = new InformerEventSource<>(templateConfig, context);
        reports = new LauncherReports(launcher, 2);
        context.getPrimaryCache().addIndexer(CLONES_BY_NODE, clone -> clone.getStatus() == null || clone.getStatus().nodeName() == null
                ? List.of() : List.of(clone.getStatus().nodeName()));
        // clones waiting for a node their selector picks: any node's new labels may be the one
        context.getPrimaryCache().addIndexer(WAITING_FOR_SELECTED_NODE, clone -> Conditions.REASON_NO_READY_COPY_SELECTED
                .equals(readyReason(clone)) ? List.of(WAITING_FOR_SELECTED_NODE) : List.of());
        nodes = new KnownNodes<>("clone-nodes", context, VmClone.class, (io.fabric8.kubernetes.api.model.Node node) -> Stream.concat(
                        context.getPrimaryCache().byIndex(CLONES_BY_NODE, node.getMetadata().getName()).stream(),
                        context.getPrimaryCache().byIndex(WAITING_FOR_SELECTED_NODE, WAITING_FOR_SELECTED_NODE).stream())
                .map(ResourceID::fromResource).collect(Collectors.toSet()));
        return List.of(templates, new InformerEventSource<>(podConfig, context), reports,
                new InformerEventSource<>(poolConfig, context), new InformerEventSource<>(memberConfig, context),
                nodes.eventSource());
    }

    /** What a clone reads from its template: spec, uid, deletion, and phase, node and files from the status. */
    static boolean templateChangeMattersToClones(VmTemplate old, VmTemplate updated) {
        VmTemplateStatus before = old.getStatus();
        VmTemplateStatus after = updated.getStatus();
        return !Objects.equals(old.getMetadata().getGeneration(), updated.getMetadata().getGeneration())
                || !Objects.equals(old.getMetadata().getUid(), updated.getMetadata().getUid())
                || !Objects.equals(old.getMetadata().getDeletionTimestamp(), updated.getMetadata().getDeletionTimestamp())
                || !Objects.equals(before == null ? null : before.phase(), after == null ? null : after.phase())
                || !Objects.equals(before == null ? null : before.nodeName(), after == null ? null : after.nodeName())
                || !Objects.equals(before == null ? null : before.files(), after == null ? null : after.files())
                || !Objects.equals(before == null ? null : before.qemuVersion(), after == null ? null : after.qemuVersion())
                // a copy Ready or reset on some node: clones waiting for it, or placed by it, look again
                || !Objects.equals(TemplateCopies.readyNodes(before), TemplateCopies.readyNodes(after));
    }

    @Override
    public UpdateControl<VmClone> reconcile(VmClone clone, Context<VmClone> context) {
        CloneStatusBuilder status = new CloneStatusBuilder(clone, clock);
        ClonePhase before = status.phase();
        // the status first, then the Events: a claim shows Running before its Claimed and Running Events are written
        EventRecorder events = new EventRecorder(context.getClient(), clock).holding();
        Optional<VmTemplate> template = context.getSecondaryResource(VmTemplate.class);
        Optional<Pod> pod = context.getSecondaryResources(Pod.class).stream().findFirst();
        if (pod.isEmpty() && clone.getStatus() != null && clone.getStatus().podName() != null
                && before != ClonePhase.Succeeded && before != ClonePhase.Failed) {
            // the pod cache can trail our own write (a claim's adopted member, a pod just created): ask the server
            // before calling the pod lost, or serving a claim twice
            Optional<Pod> named = Optional.ofNullable(context.getClient().pods().inNamespace(clone.getMetadata().getNamespace())
                    .withName(clone.getStatus().podName()).get());
            pod = named.filter(p -> p.getMetadata().getOwnerReferences().stream()
                    .anyMatch(o -> clone.getMetadata().getUid().equals(o.getUid())));
            if (pod.isEmpty() && named.isPresent()) {
                pod = claims.finishHandover(context, clone, named.get());
            }
        }

        UpdateControl<VmClone> control;
        Optional<PoolClaims.Handover> handover = Optional.empty();
        Optional<String> missingSecret;
        if (pod.isEmpty() || new PodView(pod.get()).finished()) {
            reports.forget(ResourceID.fromResource(clone)); // no launcher to ask
        }
        if (pod.isPresent()) {
            control = fromPod(clone, new PodView(pod.get()), template, status, context);
        } else if (before == ClonePhase.Succeeded || before == ClonePhase.Failed) {
            control = status.patchIfChanged(clone); // finished clones are not restarted
        } else if (before == ClonePhase.Running || before == ClonePhase.Paused) {
            String node = clone.getStatus().nodeName();
            if (onSeveralNodes(template) && nodes.gone(node)) {
                status.failed(Conditions.REASON_NODE_LOST, nodeLostMessage(node));
            } else {
                status.failed(Conditions.REASON_POD_LOST, "the clone's pod " + clone.getStatus().podName() + " disappeared");
            }
            control = status.patchIfChanged(clone);
        } else {
            Optional<String> invalid = VmTemplateReconciler.render(VmCloneValidator.validate(clone, template));
            if (invalid.isPresent()) {
                status.failed(Conditions.REASON_INVALID_SPEC, invalid.get());
                control = status.patchIfChanged(clone);
            } else if ((missingSecret = ClaimDataDelivery.missingSecret(clone, context.getClient())).isPresent()) {
                // checked before a pod is created or a member taken: nothing starts, nothing is lost
                status.waitingForClaimData(Conditions.REASON_SECRET_NOT_FOUND, missingSecret.get());
                control = status.patchIfChanged(clone).rescheduleAfter(ClaimDataDelivery.RETRY);
            } else if (VmCloneValidator.isClaim(clone)) {
                PoolClaims.Served served = claims.serve(clone, status, context, events, templates, reports, settings.statusRefresh());
                control = served.control();
                handover = served.handover();
            } else {
                control = startWhenTemplateReady(clone, template, status, context);
            }
        }
        if (status.phase() != before) {
            if (status.phase() == ClonePhase.Failed) {
                events.warning(clone, "Failed", status.build().conditions().get(0).message());
            } else {
                events.normal(clone, status.phase().name(), "clone is " + status.phase());
            }
        }
        observe(clone, status.build());
        try {
            return handover.isPresent() ? claims.writeStatusThenAdopt(context, clone, control, handover.get())
                    : StatusWrite.apply(context, clone, control);
        } finally {
            events.flush();
        }
    }

    /**
     * The metrics of what changed in this reconcile, compared with the status it started from: a first restore time,
     * a claim served, a failure. Observed when the patch is decided: a patch that fails is observed again next time.
     */
    private void observe(VmClone clone, VmCloneStatus next) {
        VmCloneStatus previous = Optional.ofNullable(clone.getStatus())
                .orElse(new VmCloneStatus(null, null, null, null, null, null, null, null, null, null));
        String namespace = clone.getMetadata().getNamespace();
        String template = VmResources.templateOf(clone)
                .or(() -> Optional.ofNullable(next.claim()).map(c -> c.template())).orElse("");
        if (previous.restoreMillis() == null && next.restoreMillis() != null) {
            metrics.cloneRestored(namespace, template, next.restoreMillis());
        }
        if (previous.claim() == null && next.claim() != null) {
            metrics.poolClaimed(namespace, next.claim().pool(), next.claim().path().toLowerCase(java.util.Locale.ROOT),
                    Optional.ofNullable(next.claim().claimMillis()).orElse(0L));
        }
        if (previous.phase() != ClonePhase.Failed && next.phase() == ClonePhase.Failed) {
            String reason = next.conditions().stream().filter(c -> Conditions.READY.equals(c.type()))
                    .map(c -> c.reason()).findFirst().orElse("Unknown");
            metrics.cloneFailed(namespace, template, reason);
        }
    }

    /** An exception out of reconcile, in the status and as an event; JOSDK retries as configured. */
    @Override
    public ErrorStatusUpdateControl<VmClone> updateErrorStatus(VmClone clone, Context<VmClone> context, Exception e) {
        ReconcileError error = ReconcileError.of(e);
        VmCloneStatus s = Optional.ofNullable(clone.getStatus())
                .orElse(new VmCloneStatus(ClonePhase.Pending, null, null, null, null, null, null, null, null, null));
        List<io.vmtemplating.api.v1alpha1.types.Condition> conditions =
                error.onto(s.conditions(), clone.getMetadata().getGeneration(), clock);
        if (conditions.equals(s.conditions())) {
            return ErrorStatusUpdateControl.noStatusUpdate(); // the same error again: said already
        }
        new EventRecorder(context.getClient(), clock).warning(clone, error.reason(), error.message());
        VmClone fresh = new VmClone();
        fresh.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withName(clone.getMetadata().getName()).withNamespace(clone.getMetadata().getNamespace()).build());
        fresh.setStatus(new VmCloneStatus(s.phase(), conditions, s.observedGeneration(), s.nodeName(), s.podName(),
                s.templateUid(), s.restoreMillis(), s.memory(), s.claim(), s.claimData()));
        return ErrorStatusUpdateControl.patchStatus(fresh);
    }

    private UpdateControl<VmClone> startWhenTemplateReady(VmClone clone, Optional<VmTemplate> template,
            CloneStatusBuilder status, Context<VmClone> context) {
        String templateName = clone.getSpec().templateRef().name();
        if (template.isEmpty()) {
            status.waitingForTemplate(Conditions.REASON_TEMPLATE_NOT_FOUND,
                    "VmTemplate " + templateName + " does not exist in namespace " + clone.getMetadata().getNamespace()
                            + " yet; the clone starts once it is Ready");
            return status.patchIfChanged(clone);
        }
        VmTemplate t = template.get();
        TemplatePhase templatePhase = t.getStatus() == null ? TemplatePhase.Pending : t.getStatus().phase();
        if (templatePhase != TemplatePhase.Ready || t.getMetadata().getDeletionTimestamp() != null) {
            String why = t.getMetadata().getDeletionTimestamp() != null ? "is being deleted" : "is " + templatePhase;
            if (foundFilesMissing(clone)) {
                // the template took the report (or is gone): the report is withdrawn, the clone waits for the rebuild
                status.waitingForTemplate(Conditions.REASON_TEMPLATE_REBUILDING, "waiting for VmTemplate " + templateName
                        + " to be rebuilt (its files were missing on its node); it " + why);
            } else {
                status.waitingForTemplate(Conditions.REASON_TEMPLATE_NOT_READY, "VmTemplate " + templateName + " " + why);
            }
            return status.patchIfChanged(clone);
        }
        // the template reconciler has not taken this clone's report yet (FilesMissingReport.stands says when it has)
        if (FilesMissingReport.stands(clone, t)) {
            // the report stays as written: the template reconciler quotes it (the node and the launcher's words)
            status.waitingForTemplate(Conditions.REASON_TEMPLATE_FILES_MISSING, FilesMissingReport.filesMissing(clone).get().message());
            return status.patchIfChanged(clone);
        }
        Optional<String> noneSelected = noReadyCopySelected(clone, t);
        if (noneSelected.isPresent()) {
            // a pod now could only wait unschedulable, with the Ready nodes of this moment fixed in its affinity
            status.waitingForTemplate(Conditions.REASON_NO_READY_COPY_SELECTED, noneSelected.get());
            return status.patchIfChanged(clone).rescheduleAfter(settings.statusRefresh());
        }
        Pod desired = pods.clonePod(clone, t);
        launcher.prepareNamespace(clone.getMetadata().getNamespace());
        VmTemplateReconciler.createIgnoringConflict(context.getClient(), desired);
        String node = desired.getSpec().getNodeName();
        status.pod(desired.getMetadata().getName(), node, t.getMetadata().getUid())
                .restoring("launcher pod " + desired.getMetadata().getName() + " created "
                        + (node != null ? "on node " + node : "for a node with a Ready copy: " + String.join(", ", TemplateCopies.readyNodes(t.getStatus()))));
        return status.patchIfChanged(clone);
    }

    /**
     * For a template with several copies, a clone whose spec.nodeSelector matches no node with a Ready copy waits
     * without a pod, saying why; it starts once such a copy is Ready (a copy rebuilt on its node, a node relabelled).
     */
    private Optional<String> noReadyCopySelected(VmClone clone, VmTemplate template) {
        java.util.Map<String, String> selector = clone.getSpec().nodeSelector();
        if (selector == null || selector.isEmpty() || !onSeveralNodes(Optional.of(template))) {
            return Optional.empty();
        }
        List<String> ready = TemplateCopies.readyNodes(template.getStatus());
        if (ready.stream().anyMatch(n -> nodes.node(n).map(node -> NodePlacement.hasLabels(node, selector)).orElse(false))) {
            return Optional.empty();
        }
        return Optional.of("spec.nodeSelector " + new java.util.TreeMap<>(selector) + " matches none of the nodes with a Ready"
                + " copy of VmTemplate " + template.getMetadata().getName() + " (" + (ready.isEmpty() ? "none" : String.join(", ", ready))
                + "); the clone starts once a copy is Ready on a node it selects");
    }

    /** Node loss is acted on for templates with several copies (docs/placement.md). */
    private static boolean onSeveralNodes(Optional<VmTemplate> template) {
        return template.map(t -> io.vmtemplating.api.v1alpha1.types.PlacementSpec.copiesOf(t.getSpec().placement()) > 1)
                .orElse(false);
    }

    private static String nodeLostMessage(String node) {
        return "node " + node + " is gone from the cluster, and this clone's VM with it; delete the clone and create it"
                + " again to restore it on a node with a Ready copy";
    }

    private UpdateControl<VmClone> fromPod(VmClone clone, PodView pod, Optional<VmTemplate> template,
            CloneStatusBuilder status, Context<VmClone> context) {
        String templateUid = pod.pod().getMetadata().getLabels().get(VmResources.LABEL_TEMPLATE_UID);
        status.pod(pod.name(), pod.nodeName().orElse(null), templateUid);
        if (!pod.finished() && onSeveralNodes(template) && nodes.gone(pod.nodeName().orElse(null))) {
            // no kubelet will confirm the pod's end: removed by force, the clone ends here with the reason
            context.getClient().resource(pod.pod()).withGracePeriod(0).delete();
            status.failed(Conditions.REASON_NODE_LOST, nodeLostMessage(pod.nodeName().get()));
            return status.patchIfChanged(clone);
        }
        if (pod.succeeded()) {
            status.succeeded();
            return status.patchIfChanged(clone);
        }
        if (pod.failed()) {
            boolean filesMissing = pod.result()
                    .map(r -> LauncherResult.TEMPLATE_FILES_MISSING.equals(r.outcome())).orElse(false);
            if (filesMissing && template.isPresent() && templateUid != null
                    && templateUid.equals(template.get().getMetadata().getUid())) {
                // the template's files are gone (node reboot): this clone says so in its own status, the template
                // reconciler (watching clones) rebuilds the template, and the clone starts again once it is Ready
                context.getClient().resource(pod.pod()).delete();
                status.waitingForTemplate(Conditions.REASON_TEMPLATE_FILES_MISSING, "the template's files were missing on node "
                        + pod.nodeName().orElse("?") + " (" + pod.failureMessage() + "); waiting for the template to be rebuilt");
                return status.patchIfChanged(clone);
            }
            // the launcher refused the spec before QEMU started (an object that skipped admission): say so, as for templates
            boolean invalidSpec = pod.result().map(r -> LauncherResult.INVALID_SPEC.equals(r.outcome())).orElse(false);
            // restored once (the launcher reported its restore time): what ended it was a crash, not the restore
            boolean wasRunning = clone.getStatus() != null && clone.getStatus().restoreMillis() != null;
            status.failed(filesMissing ? Conditions.REASON_TEMPLATE_FILES_MISSING
                    : invalidSpec ? Conditions.REASON_INVALID_SPEC
                    : wasRunning ? Conditions.REASON_CRASHED : Conditions.REASON_RESTORE_FAILED, pod.failureMessage());
            return status.patchIfChanged(clone);
        }
        ResourceID id = ResourceID.fromResource(clone);
        if (!pod.running()) {
            reports.forget(id);
            Optional<PodTrouble> trouble = PodTrouble.find(context.getClient(), pod, Instant.now(clock));
            if (trouble.isPresent()) {
                if (!trouble.get().reason().equals(readyReason(clone))) {
                    new EventRecorder(context.getClient(), clock).warning(clone, trouble.get().reason(), trouble.get().message());
                }
                status.podTrouble(trouble.get());
                return status.patchIfChanged(clone);
            }
            status.restoring(pod.pendingMessage());
            // a failed mount changes nothing in the pod: only its Events say so, which no informer here watches
            return pod.creatingContainerLongerThan(Duration.ZERO, Instant.now(clock))
                    ? status.patchIfChanged(clone).rescheduleAfter(PodTrouble.EVENTS_AFTER) : status.patchIfChanged(clone);
        }
        // the launcher is asked on the reports' threads; this reconcile reads their last answer
        Optional<LauncherReport> reported = context.getSecondaryResource(LauncherReport.class);
        boolean restored = reported.map(LauncherReport::restored).orElse(false);
        // a kubelet probes readiness once a second at most, so Ready trails a ~0.2 s restore by up to a second:
        // in the first seconds of the launcher, it is asked directly, a few times a second, until it restored
        Duration leftOfWindow = pod.containerStartedAt()
                .map(started -> Duration.between(Instant.now(clock), started.plus(EARLY_STATUS_WINDOW))).orElse(Duration.ZERO);
        boolean justStarted = leftOfWindow.compareTo(Duration.ZERO) > 0;
        // a warm claim is Running before any report (PoolClaims): its first one can wait, so that the launcher's
        // smaps read and the status write that follows it leave the CPU to the claims of a burst
        boolean runningUnreported = reported.isEmpty() && clone.getStatus() != null
                && (clone.getStatus().phase() == ClonePhase.Running || clone.getStatus().phase() == ClonePhase.Paused);
        reports.poll(id, pod.pod(), justStarted && !restored && !pod.ready() ? EARLY_STATUS_POLL : settings.statusRefresh(),
                runningUnreported ? FIRST_REPORT_OF_A_CLAIM : Duration.ZERO);
        if (!pod.ready() && !restored) {
            status.restoring("restoring the template's state in pod " + pod.name());
            // no report marks the window's end: look again then, to slow the questions down
            return justStarted ? status.patchIfChanged(clone).rescheduleAfter(leftOfWindow) : status.patchIfChanged(clone);
        }
        boolean wantRunning = !Boolean.FALSE.equals(clone.getSpec().running());
        if (reported.isPresent() && reported.get().paused() == wantRunning) {
            reports.send(id, pod.pod(), wantRunning ? PodContract.PATH_RESUME : PodContract.PATH_PAUSE);
        }
        boolean paused = reported.map(LauncherReport::paused).orElse(!wantRunning);
        CloneMemoryFigures memory = MemoryInStatus.next(clone.getStatus() == null ? null : clone.getStatus().memory(),
                reported.map(LauncherReport::memory).orElse(null), Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
        status.running(paused, reported.flatMap(LauncherReport::restoreMillisReported).orElse(null), memory);
        Optional<ClaimDataTarget> claimData = ClaimDataDelivery.target(template);
        if (claimData.isPresent() && ClaimDataDelivery.afterRestore(clone, pod.pod(), claimData.get(), reported,
                paused || !wantRunning, status, reports,
                context.getClient()) == ClaimDataDelivery.Step.WAITING) {
            // the report that follows the POST wakes this clone; the reschedule covers a launcher that did not answer
            return status.patchIfChanged(clone).rescheduleAfter(ClaimDataDelivery.RETRY);
        }
        return status.patchIfChanged(clone);
    }

    private static String readyReason(VmClone clone) {
        return clone.getStatus() == null || clone.getStatus().conditions() == null ? null : clone.getStatus().conditions().stream()
                .filter(c -> Conditions.READY.equals(c.type())).map(io.vmtemplating.api.v1alpha1.types.Condition::reason)
                .findFirst().orElse(null);
    }

    /** The clone reported its template's files missing, or waits for the rebuild that report started. */
    private static boolean foundFilesMissing(VmClone clone) {
        return FilesMissingReport.filesMissing(clone).isPresent() || clone.getStatus() != null
                && clone.getStatus().conditions() != null && clone.getStatus().conditions().stream()
                        .anyMatch(c -> Conditions.TEMPLATE_READY.equals(c.type()) && Conditions.REASON_TEMPLATE_REBUILDING.equals(c.reason()));
    }

}
