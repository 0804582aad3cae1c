package io.vmtemplating.reconciler;


import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
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
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.VmTemplateStatus;
import io.vmtemplating.api.v1alpha1.types.TemplateFiles;
import io.vmtemplating.launcher.LauncherResult;
import io.vmtemplating.launcher.PodContract;
import io.vmtemplating.metrics.OperatorMetrics;
import io.vmtemplating.webhook.Violation;
import io.vmtemplating.webhook.VmTemplateValidator;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * VmTemplate → a launcher pod per build attempt (boot, freeze, exit) → status from the pod. Deletion is held
 * by a finalizer while clones exist; then a cleanup pod removes the files from the node.
 */
@ControllerConfiguration(name = "vmtemplate")
public class VmTemplateReconciler implements Reconciler<VmTemplate>, Cleaner<VmTemplate> {
    private static final Duration CLONES_RECHECK = Duration.ofSeconds(5);
    private static final Duration CLEANUP_RECHECK = Duration.ofSeconds(2);

    private final OperatorSettings settings;
    private final LauncherPods pods;
    /** Only for the namespace's token Secret (an API server call); launcher calls go through {@link #actions}. */
    private final LauncherClient launcher;
    /** The manual freeze request goes to the launcher off the reconcile thread. */
    private final LauncherActions actions;
    private final Clock clock;
    private final OperatorMetrics metrics;
    /** Set by {@link #prepareEventSources}, which JOSDK calls once before any reconcile. */
    private KnownNodes<VmTemplate> nodes;

    /** Templates by the nodes holding their copies: a node's departure reaches exactly those. */
    static final String TEMPLATES_BY_NODE = "templatesByNode";

    public VmTemplateReconciler(OperatorSettings settings, LauncherClient launcher, Clock clock) {
        this(settings, launcher, clock, OperatorMetrics.none());
    }

    @Inject
    public VmTemplateReconciler(OperatorSettings settings, LauncherClient launcher, Clock clock, OperatorMetrics metrics) {
        this.settings = settings;
        this.pods = new LauncherPods(settings);
        this.launcher = launcher;
        this.actions = new LauncherActions(launcher, 1);
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public List<EventSource<?, VmTemplate>> prepareEventSources(EventSourceContext<VmTemplate> context) {
        var podConfig = InformerEventSourceConfiguration.from(Pod.class, VmTemplate.class)
                .withName("template-pods")
                // build and cleanup pods; the owner mapper leaves out clone pods (owned by VmClones). An equality
                // selector only: fabric8's mock API server ignores set-based requirements
                .withLabelSelector(VmResources.LABEL_MANAGED_BY + "=" + VmResources.MANAGED_BY)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(VmTemplate.class))
                .build();
        // clones point at templates by name: JOSDK keeps the reverse index from this mapper
        var cloneConfig = InformerEventSourceConfiguration.from(VmClone.class, VmTemplate.class)
                .withName("template-clones")
                // a claim restores from its pool's template: it holds that template's deletion like any clone
                .withSecondaryToPrimaryMapper((VmClone clone) -> VmResources.templateOf(clone)
                        .map(name -> Set.of(new ResourceID(name, clone.getMetadata().getNamespace()))).orElse(Set.of()))
                // a running clone's status changes with its phase and pod: none of that is the template's business
                .withOnUpdateFilter(VmTemplateReconciler::cloneChangeMattersToTemplate)
                .build();
        context.getPrimaryCache().addIndexer(TEMPLATES_BY_NODE, t -> TemplateCopies.nodes(t.getStatus()));
        nodes = new KnownNodes<>("template-nodes", context, VmTemplate.class, (Node node) -> context.getPrimaryCache()
                .byIndex(TEMPLATES_BY_NODE, node.getMetadata().getName()).stream()
                .map(ResourceID::fromResource).collect(Collectors.toSet()));
        return List.of(new InformerEventSource<>(podConfig, context), new InformerEventSource<>(cloneConfig, context),
                nodes.eventSource());
    }

    /**
     * What a template reads from its clones: which template they name (the count changes by create and delete, which
     * always pass), their deletion (the cleanup waits for it), and a report that the template's files are missing.
     */
    static boolean cloneChangeMattersToTemplate(VmClone old, VmClone updated) {
        return !Objects.equals(old.getMetadata().getGeneration(), updated.getMetadata().getGeneration())
                || !Objects.equals(old.getMetadata().getDeletionTimestamp(), updated.getMetadata().getDeletionTimestamp())
                || !Objects.equals(old.getStatus() == null ? null : old.getStatus().templateUid(),
                        updated.getStatus() == null ? null : updated.getStatus().templateUid())
                || !FilesMissingReport.filesMissing(old).equals(FilesMissingReport.filesMissing(updated));
    }

    @Override
    public UpdateControl<VmTemplate> reconcile(VmTemplate template, Context<VmTemplate> context) {
        UpdateControl<VmTemplate> control = reconcileTemplate(template, context);
        VmTemplateStatus next = control.getResource().map(VmTemplate::getStatus).orElse(template.getStatus());
        if (next != null) {
            metrics.templatePhase(template.getMetadata().getNamespace(), template.getMetadata().getName(), next.phase());
            metrics.templateClones(template.getMetadata().getNamespace(), template.getMetadata().getName(),
                    Optional.ofNullable(next.clones()).orElse(0));
        }
        // JOSDK 5.3.2 loses a deletion that the API server merged into the response of our status patch (its
        // own-update filtering swallows the event; operator-framework/java-operator-sdk#3394): the template then
        // waits with its finalizer for any later event, seen here as `vmt demo` hanging 1 in 2 runs in its
        // cleanup. StatusWrite reconciles again when the write shows a newer generation; the periodic recheck
        // stays for a change that moves no generation.
        return StatusWrite.apply(context, template,
                control.getScheduleDelay().isPresent() ? control : control.rescheduleAfter(settings.statusRefresh()));
    }

    /** An exception out of reconcile, in the status and as an event; JOSDK retries as configured. */
    @Override
    public ErrorStatusUpdateControl<VmTemplate> updateErrorStatus(VmTemplate template, Context<VmTemplate> context, Exception e) {
        ReconcileError error = ReconcileError.of(e);
        VmTemplateStatus s = Optional.ofNullable(template.getStatus())
                .orElse(new VmTemplateStatus(TemplatePhase.Pending, null, null, null, null, null, null, null, null, null, null));
        List<io.vmtemplating.api.v1alpha1.types.Condition> conditions =
                error.onto(s.conditions(), template.getMetadata().getGeneration(), clock);
        if (conditions.equals(s.conditions())) {
            return ErrorStatusUpdateControl.noStatusUpdate(); // the same error again: said already
        }
        new EventRecorder(context.getClient(), clock).warning(template, error.reason(), error.message());
        VmTemplate fresh = new VmTemplate();
        fresh.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withName(template.getMetadata().getName()).withNamespace(template.getMetadata().getNamespace()).build());
        fresh.setStatus(new VmTemplateStatus(s.phase(), conditions, s.observedGeneration(), s.nodeName(), s.podName(),
                s.files(), s.qemuVersion(), s.bootMillis(), s.freezeMillis(), s.clones(), s.failedAttempts(), s.copies(),
                s.readyNodes()));
        return ErrorStatusUpdateControl.patchStatus(fresh);
    }

    private UpdateControl<VmTemplate> reconcileTemplate(VmTemplate template, Context<VmTemplate> context) {
        TemplateStatusBuilder status = new TemplateStatusBuilder(template, clock)
                .clones(cloneNames(context).size());
        // the webhook's rules again: an object that slipped past admission still gets a clear status
        Optional<String> invalid = render(VmTemplateValidator.validate(template, settings.bootFileDirs()));
        TemplatePhase phase = status.phase();
        EventRecorder events = new EventRecorder(context.getClient(), clock);

        boolean several = status.copies().size() > 1;
        if (phase == TemplatePhase.Ready && !several) {
            Optional<FilesMissingReport> missing = FilesMissingReport.of(template, context.getSecondaryResources(VmClone.class));
            if (missing.isPresent()) {
                return rebuild(template, status, missing.get(), context, events);
            }
        }
        if (status.failedForGood()) {
            return status.patchIfChanged(template);
        }
        if (invalid.isPresent()) {
            status.failed(Conditions.REASON_INVALID_SPEC, invalid.get());
            events.warning(template, Conditions.REASON_INVALID_SPEC, invalid.get());
            return status.patchIfChanged(template);
        }

        List<Pod> buildPods = podsWithRole(context, VmResources.ROLE_TEMPLATE);
        Optional<Duration> recheck = Optional.empty();
        for (CopyState copy : status.copies()) {
            List<Pod> ownPods = buildPods.stream().filter(p -> VmResources.copyOf(p) == copy.copy).toList();
            Optional<FilesMissingReport> missing = several
                    ? FilesMissingReport.forCopy(template, copy.build(), context.getSecondaryResources(VmClone.class))
                    : Optional.empty();
            Optional<Duration> wait = missing.isPresent()
                    ? rebuildCopy(template, copy, ownPods, missing.get(), context, events)
                    : reconcileCopy(template, status, copy, ownPods, several, context, events);
            if (wait.isPresent() && (recheck.isEmpty() || wait.get().compareTo(recheck.get()) < 0)) {
                recheck = wait;
            }
        }
        if (several) {
            markQemuMismatches(template, status, events);
        }
        // the pods' progress; Frozen, BuildFailed and the rest have their own events above
        if (status.phase() != phase && !several
                && (status.phase() == TemplatePhase.Booting || status.phase() == TemplatePhase.Freezing)) {
            events.normal(template, status.phase().name(), "template is " + status.phase());
        }
        UpdateControl<VmTemplate> control = status.patchIfChanged(template);
        return recheck.map(control::rescheduleAfter).orElse(control);
    }

    /**
     * One node's copy: a build pod per attempt (boot, freeze, exit), its end read from the pod. Returns when to look
     * again, if the copy waits for time rather than for an event (a retry's backoff).
     */
    private Optional<Duration> reconcileCopy(VmTemplate template, TemplateStatusBuilder status, CopyState copy,
            List<Pod> buildPods, boolean several, Context<VmTemplate> context, EventRecorder events) {
        String which = several ? "copy " + copy.copy + ": " : "";
        if (several) {
            Optional<Duration> lost = nodeLost(template, copy, buildPods, context, events, which);
            if (lost.isPresent()) {
                return lost;
            }
            if (copy.ready() || copy.leaving()) {
                Optional<Node> node = nodes.node(copy.nodeName());
                boolean inPlacement = node.map(n -> NodePlacement.matches(template.getSpec().placement(), n)).orElse(true);
                if (copy.leaving() && inPlacement && drainPod(template, copy, context).isEmpty()) {
                    copy.backInPlacement();
                    events.normal(template, Conditions.REASON_FROZEN, which + "node " + copy.nodeName()
                            + " matches the template's placement again before its files were removed: Ready again");
                } else if (!inPlacement || copy.leaving()) {
                    // a removal under way finishes: the files may be half gone
                    return drain(template, copy, buildPods, context, events, which);
                }
            }
        }
        if (copy.ready() || copy.failedForGood()) {
            return Optional.empty();
        }
        TemplatePhase before = copy.phase();
        int attempt = copy.failedAttempts() + 1;
        Optional<PodView> current = attemptPod(buildPods, attempt).map(PodView::new);

        if (current.isEmpty()) {
            Optional<PodView> previous = attemptPod(buildPods, attempt - 1).map(PodView::new);
            if (previous.isPresent()) {
                // from the pod's end, never from now: a time taken afresh at each reconcile would put the retry off forever
                Instant retryAt = previous.get().endedAt().orElse(Instant.EPOCH).plus(settings.backoffAfter(copy.failedAttempts()));
                Duration wait = Duration.between(Instant.now(clock), retryAt);
                if (!wait.isNegative() && !wait.isZero()) {
                    return Optional.of(wait);
                }
                // its logs were kept for the backoff; the next attempt replaces it
                context.getClient().resource(previous.get().pod()).delete();
            }
            launcher.prepareNamespace(template.getMetadata().getNamespace());
            // a copy goes to a node without one: the nodes of the other copies are excluded
            createIgnoringConflict(context.getClient(), pods.templatePod(template, copy.copy, attempt, otherNodes(status, copy)));
            copy.pending("launcher pod " + VmResources.templatePodName(template, copy.copy, attempt)
                    + " created (attempt " + attempt + ")");
            if (before != TemplatePhase.Pending) {
                events.normal(template, "BuildStarted", which + "build attempt " + attempt + " started");
            }
            return Optional.empty();
        }

        PodView pod = current.get();
        if (several && !pod.finished()) {
            if (pod.pod().getMetadata().getDeletionTimestamp() != null) {
                return Optional.of(Duration.ofSeconds(1));
            }
            Optional<String> misplaced = misplaced(pod, otherNodes(status, copy));
            if (misplaced.isPresent()) {
                // builds started together exclude each other only while both run: a build still waiting for a node
                // when another copy froze must not land on that copy's node. Made again with the exclusion.
                context.getClient().resource(pod.pod()).delete();
                copy.pending(misplaced.get());
                return Optional.of(Duration.ofSeconds(1));
            }
        }
        if (status.rebuildingSince().isPresent() && pod.created().map(c -> c.isBefore(status.rebuildingSince().get())).orElse(false)) {
            // a build pod from before the files went missing, still in the cache: it is being deleted
            context.getClient().resource(pod.pod()).delete();
            return Optional.of(Duration.ofSeconds(1));
        }
        copy.podName(pod.name());
        if (pod.succeeded()) {
            Optional<LauncherResult> result = pod.result();
            if (result.isPresent() && LauncherResult.FROZEN.equals(result.get().outcome())) {
                LauncherResult frozen = result.get();
                copy.ready(pod.nodeName().orElse(null), frozen, io.vmtemplating.qemu.CpuModel.of(template.getSpec().qemu() == null
                        ? null : template.getSpec().qemu().extraArgs()), Instant.now(clock));
                status.frozenFiles(frozen);
                // once per copy's build: a Ready copy returns above without looking at its build pod again
                metrics.templateFrozen(template.getMetadata().getNamespace(), Optional.ofNullable(frozen.bootMillis()).orElse(0L),
                        Optional.ofNullable(frozen.freezeMillis()).orElse(0L));
                events.normal(template, Conditions.REASON_FROZEN, "frozen on node " + pod.nodeName().orElse("?")
                        + " in " + frozen.freezeMillis() + " ms after a " + frozen.bootMillis() + " ms boot");
                return Optional.empty();
            }
            return buildFailed(template, copy, events, attempt,
                    "launcher ended without a frozen template: " + pod.failureMessage(), false, Conditions.REASON_BUILD_FAILED, which);
        }
        if (pod.failed()) {
            boolean invalidSpec = pod.result().map(r -> LauncherResult.INVALID_SPEC.equals(r.outcome())).orElse(false);
            if (pod.result().map(r -> LauncherResult.NO_MEMORY_SPACE.equals(r.outcome())).orElse(false)) {
                // space may be freed on the node: retried with backoff like any failed build, under its own reason
                return buildFailed(template, copy, events, attempt, "node " + pod.nodeName().orElse("?") + ": "
                        + pod.failureMessage(), false, Conditions.REASON_NO_MEMORY_SPACE, which);
            }
            return buildFailed(template, copy, events, attempt, pod.failureMessage(), invalidSpec, Conditions.REASON_BUILD_FAILED, which);
        }
        if (pod.running()) {
            if (pod.ready()) {
                copy.freezing(pod.name(), pod.nodeName().orElse(null));
            } else {
                copy.booting(pod.name(), pod.nodeName().orElse(null));
            }
            triggerManualFreeze(template, pod);
        } else {
            Optional<PodTrouble> trouble = PodTrouble.find(context.getClient(), pod, Instant.now(clock));
            if (trouble.isPresent()) {
                if (!trouble.get().reason().equals(copy.reason())) {
                    events.warning(template, trouble.get().reason(), which + trouble.get().message());
                }
                copy.podTrouble(trouble.get());
            } else {
                copy.pending(pod.pendingMessage());
                if (pod.creatingContainerLongerThan(Duration.ZERO, Instant.now(clock))) {
                    // a failed mount changes nothing in the pod: only its Events say so, which no informer here watches
                    return Optional.of(PodTrouble.EVENTS_AFTER);
                }
            }
        }
        if (several && copy.phase() != before) {
            events.normal(template, copy.phase().name(), which + "is " + copy.phase()
                    + (copy.nodeName() == null ? "" : " on node " + copy.nodeName()));
        }
        return Optional.empty();
    }

    /** The nodes holding the template's other copies: a copy's build excludes them. */
    private static Set<String> otherNodes(TemplateStatusBuilder status, CopyState copy) {
        return status.copies().stream().filter(c -> c != copy).map(CopyState::nodeName)
                .filter(Objects::nonNull).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    /**
     * Why a running or waiting build pod is in the wrong place: bound to a node that holds another copy, or not bound
     * yet and not excluding every node that does (another copy froze since it was made).
     */
    private static Optional<String> misplaced(PodView pod, Set<String> otherNodes) {
        Optional<String> node = pod.nodeName();
        if (node.isPresent() && otherNodes.contains(node.get())) {
            return Optional.of("build pod " + pod.name() + " landed on node " + node.get() + ", which holds another copy;"
                    + " building this copy elsewhere");
        }
        if (node.isEmpty() && !PlacementAffinity.excludedNodes(pod.pod().getSpec().getAffinity()).containsAll(otherNodes)) {
            return Optional.of("build pod " + pod.name() + " was made before another copy froze on " + String.join(", ", otherNodes)
                    + "; made again excluding those nodes");
        }
        return Optional.empty();
    }

    /**
     * The copy's node is gone: its files and VMs went with it. Its build pods there are removed by force (no kubelet
     * will confirm their end) and the copy is built again on another node, once they are gone (the next build reuses
     * their names).
     */
    private Optional<Duration> nodeLost(VmTemplate template, CopyState copy, List<Pod> buildPods, Context<VmTemplate> context,
            EventRecorder events, String which) {
        List<Pod> stranded = buildPods.stream().filter(p -> nodes.gone(p.getSpec().getNodeName())).toList();
        stranded.forEach(p -> context.getClient().resource(p).withGracePeriod(0).delete());
        if (copy.nodeName() != null && nodes.gone(copy.nodeName())) {
            String message = "node " + copy.nodeName() + " is gone, and this copy's files with it; building it on another node";
            copy.nodeLost(message);
            events.warning(template, Conditions.REASON_NODE_LOST, which + message);
            return Optional.of(Duration.ofSeconds(1));
        }
        return stranded.isEmpty() ? Optional.empty() : Optional.of(Duration.ofSeconds(1));
    }

    /**
     * Ready copies frozen with another QEMU version than the template's (QemuVersionCheck) are marked Failed and take
     * no clones: a clone restores only into the QEMU that froze its copy, so copies on differing nodes would make the
     * same template behave differently per node. Not rebuilt: the node would build the same version again.
     */
    private static void markQemuMismatches(VmTemplate template, TemplateStatusBuilder status, EventRecorder events) {
        java.util.Map<Integer, String> readyVersions = new java.util.HashMap<>();
        status.copies().stream().filter(CopyState::ready).forEach(c -> readyVersions.put(c.copy, c.qemuVersion()));
        Optional<String> version = QemuVersionCheck.templateVersion(readyVersions);
        for (int mismatched : QemuVersionCheck.mismatched(readyVersions)) {
            CopyState copy = status.copies().stream().filter(c -> c.copy == mismatched).findFirst().orElseThrow();
            copy.qemuMismatch("frozen with QEMU " + copy.qemuVersion() + " on node " + copy.nodeName() + ", the template's"
                    + " other copies with QEMU " + version.orElse("?") + ": a clone restores only into the QEMU that froze its"
                    + " copy, so this copy takes no clones; run one QEMU version on every node the placement allows and"
                    + " create the template again");
            events.warning(template, Conditions.REASON_QEMU_VERSION_MISMATCH, "copy " + copy.copy + ": " + copy.message());
        }
    }

    /**
     * The copy's node no longer matches the template's placement (relabelled): no new clone goes there; once no clone
     * of the template runs there, a cleanup pod removes the files and the copy is built again where the placement
     * allows (DaemonSet-like, for a count of nodes). Clones still there keep running: nothing a user runs is stopped.
     */
    private Optional<Duration> drain(VmTemplate template, CopyState copy, List<Pod> buildPods, Context<VmTemplate> context,
            EventRecorder events, String which) {
        String node = copy.nodeName();
        boolean wasReady = copy.ready();
        // the copy's finished build pods: its next build takes their names
        buildPods.forEach(p -> context.getClient().resource(p).delete());
        List<String> clonesThere = context.getSecondaryResources(VmClone.class).stream()
                .filter(c -> c.getStatus() != null && node.equals(c.getStatus().nodeName()))
                .filter(c -> c.getStatus().phase() != ClonePhase.Succeeded && c.getStatus().phase() != ClonePhase.Failed)
                .map(c -> c.getMetadata().getName()).sorted().toList();
        copy.leavingNode("node " + node + " no longer matches the template's placement (spec.placement): no new clone goes"
                + " there; " + (clonesThere.isEmpty() ? "removing its files there" : "its files are removed once its "
                        + clonesThere.size() + " clone(s) there are gone: " + String.join(", ", clonesThere)));
        if (wasReady) {
            events.normal(template, Conditions.REASON_NODE_LEFT_PLACEMENT, which + copy.message());
        }
        if (!clonesThere.isEmpty()) {
            return Optional.empty();
        }
        Optional<PodView> cleanup = drainPod(template, copy, context);
        if (cleanup.isEmpty()) {
            createIgnoringConflict(context.getClient(), pods.cleanupPod(template, node, VmResources.drainPodName(template, copy.copy)));
            return Optional.empty();
        }
        if (cleanup.get().failed()) {
            events.warning(template, "CleanupFailed", which + "node " + node + ": " + cleanup.get().failureMessage() + "; retrying");
            context.getClient().resource(cleanup.get().pod()).delete();
            return Optional.of(Duration.ofSeconds(2));
        }
        if (!cleanup.get().succeeded() || !buildPods.isEmpty()) {
            // running, or the deleted build pods still in the cache: their names are the next build's
            return cleanup.get().succeeded() ? Optional.of(Duration.ofSeconds(1)) : Optional.empty();
        }
        context.getClient().resource(cleanup.get().pod()).delete();
        events.normal(template, "FilesRemoved", which + "template files removed from node " + node + ", which left the placement");
        copy.nodeLeft("node " + node + " left the template's placement and its files were removed; building this copy on"
                + " another node the placement allows");
        return Optional.of(Duration.ofSeconds(1));
    }

    private static Optional<PodView> drainPod(VmTemplate template, CopyState copy, Context<VmTemplate> context) {
        String name = VmResources.drainPodName(template, copy.copy);
        return podsWithRole(context, VmResources.ROLE_CLEANUP).stream().filter(p -> name.equals(p.getMetadata().getName()))
                .findFirst().map(PodView::new);
    }

    /**
     * A clone found this Ready template's files gone from its node (a reboot wipes tmpfs): the old build pods go and
     * the template is Pending again, so the next reconcile starts a fresh build; the clones waiting for it start once it
     * is Ready again. Every copy is rebuilt: the clones' protocol (FilesMissingReport) is about the template as a whole.
     */
    private UpdateControl<VmTemplate> rebuild(VmTemplate template, TemplateStatusBuilder status, FilesMissingReport report,
            Context<VmTemplate> context, EventRecorder events) {
        // one by one: RBAC grants delete on pods, not deletecollection
        podsWithRole(context, VmResources.ROLE_TEMPLATE).forEach(p -> context.getClient().resource(p).delete());
        String message = "clone " + report.cloneName() + " found the template's files missing: " + report.message();
        status.filesMissing(message);
        events.warning(template, Conditions.REASON_TEMPLATE_FILES_MISSING, message);
        return status.patchIfChanged(template);
    }

    /**
     * A clone found this copy's files gone from its node (a reboot wipes tmpfs) — for a template with several copies,
     * only this copy is built again; the others keep serving, and the clone starts again on one of their nodes (or on
     * this one once it is Ready again). The copy's build pods go first and are waited for, so the next build, which
     * reuses their names, is not mistaken for the old one.
     */
    private Optional<Duration> rebuildCopy(VmTemplate template, CopyState copy, List<Pod> buildPods, FilesMissingReport report,
            Context<VmTemplate> context, EventRecorder events) {
        if (!buildPods.isEmpty()) {
            buildPods.forEach(p -> context.getClient().resource(p).delete());
            return Optional.of(Duration.ofSeconds(1));
        }
        String message = "clone " + report.cloneName() + " found this copy's files missing on node " + copy.nodeName() + ": "
                + report.message() + "; building this copy again";
        copy.filesMissing(message);
        events.warning(template, Conditions.REASON_TEMPLATE_FILES_MISSING, "copy " + copy.copy + ": " + message);
        return Optional.of(Duration.ofSeconds(1));
    }

    private Optional<Duration> buildFailed(VmTemplate template, CopyState copy, EventRecorder events,
            int attempt, String message, boolean invalidSpec, String retryReason, String which) {
        copy.failedAttempt(attempt);
        // once per attempt: the next reconcile looks for the next attempt's pod
        metrics.templateBuildFailed(template.getMetadata().getNamespace());
        if (invalidSpec) {
            copy.failed(Conditions.REASON_INVALID_SPEC, message);
        } else if (attempt >= settings.buildBackoffLimit()) {
            copy.failed(Conditions.REASON_BACKOFF_LIMIT_EXCEEDED,
                    "build failed " + attempt + " times (limit " + settings.buildBackoffLimit() + "); last: " + message);
        } else {
            Duration wait = settings.backoffAfter(attempt);
            copy.retrying(retryReason, "build attempt " + attempt + " failed, retrying in " + wait.toSeconds() + " s: " + message);
            events.warning(template, retryReason, which + "attempt " + attempt + ": " + message);
            return Optional.of(wait);
        }
        events.warning(template, copy.reason(), which + message);
        return Optional.empty();
    }

    /**
     * The Manual trigger: the annotation vmtemplating.io/freeze=now is passed on to the launcher. Sent again at each
     * reconcile while the pod runs (the launcher takes it once); the pod's end says it froze.
     */
    private void triggerManualFreeze(VmTemplate template, PodView pod) {
        String annotation = template.getMetadata().getAnnotations() == null ? null
                : template.getMetadata().getAnnotations().get(VmResources.ANNOTATION_FREEZE);
        if ("now".equals(annotation)) {
            actions.send("template " + VmResources.key(template), pod.pod(), PodContract.PATH_FREEZE, () -> { });
        }
    }

    @Override
    public DeleteControl cleanup(VmTemplate template, Context<VmTemplate> context) {
        DeleteControl control = cleanupTemplate(template, context);
        if (control.isRemoveFinalizer()) {
            metrics.templateDeleted(template.getMetadata().getNamespace(), template.getMetadata().getName());
        } else {
            metrics.templatePhase(template.getMetadata().getNamespace(), template.getMetadata().getName(), TemplatePhase.Deleting);
        }
        return control;
    }

    private DeleteControl cleanupTemplate(VmTemplate template, Context<VmTemplate> context) {
        KubernetesClient client = context.getClient();
        EventRecorder events = new EventRecorder(client, clock);
        List<String> clones = cloneNames(context);
        if (!clones.isEmpty()) {
            String message = "waiting for " + clones.size() + " clone(s) to be deleted: " + String.join(", ", clones);
            TemplateStatusBuilder status = new TemplateStatusBuilder(template, clock).clones(clones.size()).deleting(message);
            if (status.changed(template)) {
                client.resources(VmTemplate.class).inNamespace(template.getMetadata().getNamespace())
                        .withName(template.getMetadata().getName())
                        .editStatus(t -> {
                            t.setStatus(status.build());
                            return t;
                        });
                events.normal(template, Conditions.REASON_CLONES_REMAIN, message);
            }
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(CLONES_RECHECK);
        }
        // a build still running would write files after the cleanup
        podsWithRole(context, VmResources.ROLE_TEMPLATE).stream()
                .filter(p -> !new PodView(p).finished())
                .forEach(p -> client.resource(p).delete());

        List<String> nodes = TemplateCopies.nodes(template.getStatus());
        if (nodes.isEmpty()) {
            return DeleteControl.defaultDelete(); // never frozen: a failed build removes its partial files itself
        }
        List<Pod> cleanupPods = podsWithRole(context, VmResources.ROLE_CLEANUP);
        boolean done = true;
        for (int i = 0; i < nodes.size(); i++) {
            done &= cleanupNode(template, nodes.get(i), i, cleanupPods, client, events);
        }
        return done ? DeleteControl.defaultDelete() : DeleteControl.noFinalizerRemoval().rescheduleAfter(CLEANUP_RECHECK);
    }

    /** Removes the files from one node with a cleanup pod there; true when that is done or cannot be done. */
    private boolean cleanupNode(VmTemplate template, String nodeName, int index, List<Pod> cleanupPods,
            KubernetesClient client, EventRecorder events) {
        if (nodes.gone(nodeName)) {
            events.warning(template, "NodeGone", "node " + nodeName + " is gone; its template files cannot be removed");
            return true;
        }
        String name = VmResources.cleanupPodName(template, index);
        Optional<PodView> cleanupPod = cleanupPods.stream().filter(p -> name.equals(p.getMetadata().getName()))
                .findFirst().map(PodView::new);
        if (cleanupPod.isEmpty()) {
            createIgnoringConflict(client, pods.cleanupPod(template, nodeName, index));
            return false;
        }
        PodView pod = cleanupPod.get();
        if (pod.succeeded()) {
            events.normal(template, "FilesRemoved", "template files removed from node " + nodeName);
            return true;
        }
        Instant created = pod.created().orElse(Instant.now(clock));
        if (Duration.between(created, Instant.now(clock)).compareTo(settings.cleanupTimeout()) > 0) {
            events.warning(template, "CleanupTimedOut", "gave up removing template files from node " + nodeName
                    + " after " + settings.cleanupTimeout().toMinutes() + " min: " + pod.failureMessage());
            return true;
        }
        if (pod.failed()) {
            events.warning(template, "CleanupFailed", pod.failureMessage() + "; retrying");
            client.resource(pod.pod()).delete();
        }
        return false;
    }

    private static List<String> cloneNames(Context<VmTemplate> context) {
        return context.getSecondaryResources(VmClone.class).stream()
                .map(c -> c.getMetadata().getName()).sorted().collect(Collectors.toList());
    }

    private static List<Pod> podsWithRole(Context<VmTemplate> context, String role) {
        return context.getSecondaryResources(Pod.class).stream()
                .filter(p -> p.getMetadata().getLabels() != null && role.equals(p.getMetadata().getLabels().get(VmResources.LABEL_ROLE)))
                .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                .toList();
    }

    private static Optional<Pod> attemptPod(List<Pod> buildPods, int attempt) {
        String label = Integer.toString(attempt);
        return buildPods.stream().filter(p -> label.equals(p.getMetadata().getLabels().get(VmResources.LABEL_ATTEMPT))).findFirst();
    }

    /** The informer cache may not have seen our own create yet: a second create of the same name is fine. */
    static void createIgnoringConflict(KubernetesClient client, Pod pod) {
        try {
            client.resource(pod).create();
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    static Optional<String> render(List<Violation> violations) {
        return violations.isEmpty() ? Optional.empty()
                : Optional.of(violations.stream().map(Violation::render).collect(Collectors.joining("\n")));
    }

    static TemplateFiles files(LauncherResult result) {
        return new TemplateFiles(result.memoryFiles(), result.stateFile(), result.metadataFile(), result.stateBytes());
    }
}
