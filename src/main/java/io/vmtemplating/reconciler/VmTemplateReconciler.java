package io.vmtemplating.reconciler;


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
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.VmTemplateStatus;
import io.vmtemplating.api.v1alpha1.types.TemplateFiles;
import io.vmtemplating.launcher.LauncherResult;
import io.vmtemplating.launcher.PodContract;
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

    @Inject
    public VmTemplateReconciler(OperatorSettings settings, LauncherClient launcher, Clock clock) {
        this.settings = settings;
        this.pods = new LauncherPods(settings);
        this.launcher = launcher;
        this.actions = new LauncherActions(launcher, 1);
        this.clock = clock;
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
        return List.of(new InformerEventSource<>(podConfig, context), new InformerEventSource<>(cloneConfig, context));
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
        // JOSDK 5.3.2 loses a deletion that the API server merged into the response of our status patch (its
        // own-update filtering swallows the event; operator-framework/java-operator-sdk#3394): the template then
        // waits with its finalizer for any later event, seen here as `vmt demo` hanging 1 in 2 runs in its
        // cleanup. A periodic recheck bounds that wait; the cleanup runs at the next one.
        return control.getScheduleDelay().isPresent() ? control : control.rescheduleAfter(settings.statusRefresh());
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
                s.files(), s.qemuVersion(), s.bootMillis(), s.freezeMillis(), s.clones(), s.failedAttempts()));
        return ErrorStatusUpdateControl.patchStatus(fresh);
    }

    private UpdateControl<VmTemplate> reconcileTemplate(VmTemplate template, Context<VmTemplate> context) {
        TemplateStatusBuilder status = new TemplateStatusBuilder(template, clock)
                .clones(cloneNames(context).size());
        // the webhook's rules again: an object that slipped past admission still gets a clear status
        Optional<String> invalid = render(VmTemplateValidator.validate(template, settings.bootFileDirs()));
        TemplatePhase phase = status.phase();
        EventRecorder events = new EventRecorder(context.getClient(), clock);

        if (phase == TemplatePhase.Ready) {
            Optional<FilesMissingReport> missing = FilesMissingReport.of(template, context.getSecondaryResources(VmClone.class));
            return missing.isPresent() ? rebuild(template, status, missing.get(), context, events) : status.patchIfChanged(template);
        }
        if (phase == TemplatePhase.Failed && status.failedForGood()) {
            return status.patchIfChanged(template);
        }
        if (invalid.isPresent()) {
            status.failed(Conditions.REASON_INVALID_SPEC, invalid.get());
            events.warning(template, Conditions.REASON_INVALID_SPEC, invalid.get());
            return status.patchIfChanged(template);
        }

        int attempt = status.failedAttempts() + 1;
        List<Pod> buildPods = podsWithRole(context, VmResources.ROLE_TEMPLATE);
        Optional<PodView> current = attemptPod(buildPods, attempt).map(PodView::new);

        if (current.isEmpty()) {
            Optional<PodView> previous = attemptPod(buildPods, attempt - 1).map(PodView::new);
            if (previous.isPresent()) {
                Instant retryAt = previous.get().finishedAt().orElse(Instant.now(clock))
                        .plus(settings.backoffAfter(status.failedAttempts()));
                Duration wait = Duration.between(Instant.now(clock), retryAt);
                if (!wait.isNegative() && !wait.isZero()) {
                    return status.patchIfChanged(template).rescheduleAfter(wait);
                }
                // its logs were kept for the backoff; the next attempt replaces it
                context.getClient().resource(previous.get().pod()).delete();
            }
            launcher.prepareNamespace(template.getMetadata().getNamespace());
            createIgnoringConflict(context.getClient(), pods.templatePod(template, attempt));
            status.pending("launcher pod " + VmResources.templatePodName(template, attempt) + " created (attempt " + attempt + ")");
            if (phase != TemplatePhase.Pending) {
                events.normal(template, "BuildStarted", "build attempt " + attempt + " started");
            }
            return status.patchIfChanged(template);
        }

        PodView pod = current.get();
        if (status.rebuildingSince().isPresent() && pod.created().map(c -> c.isBefore(status.rebuildingSince().get())).orElse(false)) {
            // a build pod from before the files went missing, still in the cache: it is being deleted
            context.getClient().resource(pod.pod()).delete();
            return status.patchIfChanged(template).rescheduleAfter(Duration.ofSeconds(1));
        }
        status.podName(pod.name());
        if (pod.succeeded()) {
            Optional<LauncherResult> result = pod.result();
            if (result.isPresent() && LauncherResult.FROZEN.equals(result.get().outcome())) {
                LauncherResult frozen = result.get();
                status.ready(pod.nodeName().orElse(null), frozen);
                events.normal(template, Conditions.REASON_FROZEN, "frozen on node " + pod.nodeName().orElse("?")
                        + " in " + frozen.freezeMillis() + " ms after a " + frozen.bootMillis() + " ms boot");
                return status.patchIfChanged(template);
            }
            return buildFailed(template, status, events, attempt,
                    "launcher ended without a frozen template: " + pod.failureMessage(), false, Conditions.REASON_BUILD_FAILED);
        }
        if (pod.failed()) {
            boolean invalidSpec = pod.result().map(r -> LauncherResult.INVALID_SPEC.equals(r.outcome())).orElse(false);
            if (pod.result().map(r -> LauncherResult.NO_MEMORY_SPACE.equals(r.outcome())).orElse(false)) {
                // space may be freed on the node: retried with backoff like any failed build, under its own reason
                return buildFailed(template, status, events, attempt, "node " + pod.nodeName().orElse("?") + ": "
                        + pod.failureMessage(), false, Conditions.REASON_NO_MEMORY_SPACE);
            }
            return buildFailed(template, status, events, attempt, pod.failureMessage(), invalidSpec, Conditions.REASON_BUILD_FAILED);
        }
        if (pod.running()) {
            if (pod.ready()) {
                status.freezing(pod.name(), pod.nodeName().orElse(null));
            } else {
                status.booting(pod.name(), pod.nodeName().orElse(null));
            }
            triggerManualFreeze(template, pod);
        } else {
            Optional<PodTrouble> trouble = PodTrouble.find(context.getClient(), pod, Instant.now(clock));
            if (trouble.isPresent()) {
                if (!trouble.get().reason().equals(status.readyReason())) {
                    events.warning(template, trouble.get().reason(), trouble.get().message());
                }
                status.podTrouble(trouble.get());
            } else {
                status.pending(pod.pendingMessage());
                if (pod.creatingContainerLongerThan(Duration.ZERO, Instant.now(clock))) {
                    // a failed mount changes nothing in the pod: only its Events say so, which no informer here watches
                    return status.patchIfChanged(template).rescheduleAfter(PodTrouble.EVENTS_AFTER);
                }
            }
        }
        if (status.phase() != phase) {
            events.normal(template, status.phase().name(), "template is " + status.phase());
        }
        return status.patchIfChanged(template);
    }

    /**
     * A clone found this Ready template's files gone from its node (a reboot wipes tmpfs): the old build pods go and
     * the template is Pending again, so the next reconcile starts a fresh build; the clones waiting for it start once it
     * is Ready again.
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

    private UpdateControl<VmTemplate> buildFailed(VmTemplate template, TemplateStatusBuilder status, EventRecorder events,
            int attempt, String message, boolean invalidSpec, String retryReason) {
        status.failedAttempt(attempt);
        if (invalidSpec) {
            status.failed(Conditions.REASON_INVALID_SPEC, message);
        } else if (attempt >= settings.buildBackoffLimit()) {
            status.failed(Conditions.REASON_BACKOFF_LIMIT_EXCEEDED,
                    "build failed " + attempt + " times (limit " + settings.buildBackoffLimit() + "); last: " + message);
        } else {
            Duration wait = settings.backoffAfter(attempt);
            status.retrying(retryReason, "build attempt " + attempt + " failed, retrying in " + wait.toSeconds() + " s: " + message);
            events.warning(template, retryReason, "attempt " + attempt + ": " + message);
            return status.patchIfChanged(template).rescheduleAfter(wait);
        }
        events.warning(template, status.readyReason(), message);
        return status.patchIfChanged(template);
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

        String nodeName = template.getStatus() == null ? null : template.getStatus().nodeName();
        if (nodeName == null) {
            return DeleteControl.defaultDelete(); // never frozen: a failed build removes its partial files itself
        }
        if (client.nodes().withName(nodeName).get() == null) {
            events.warning(template, "NodeGone", "node " + nodeName + " is gone; its template files cannot be removed");
            return DeleteControl.defaultDelete();
        }
        Optional<PodView> cleanupPod = podsWithRole(context, VmResources.ROLE_CLEANUP).stream().findFirst().map(PodView::new);
        if (cleanupPod.isEmpty()) {
            createIgnoringConflict(client, pods.cleanupPod(template, nodeName));
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(CLEANUP_RECHECK);
        }
        PodView pod = cleanupPod.get();
        if (pod.succeeded()) {
            events.normal(template, "FilesRemoved", "template files removed from node " + nodeName);
            return DeleteControl.defaultDelete();
        }
        Instant created = pod.created().orElse(Instant.now(clock));
        if (Duration.between(created, Instant.now(clock)).compareTo(settings.cleanupTimeout()) > 0) {
            events.warning(template, "CleanupTimedOut", "gave up removing template files from node " + nodeName
                    + " after " + settings.cleanupTimeout().toMinutes() + " min: " + pod.failureMessage());
            return DeleteControl.defaultDelete();
        }
        if (pod.failed()) {
            events.warning(template, "CleanupFailed", pod.failureMessage() + "; retrying");
            client.resource(pod.pod()).delete();
        }
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(CLEANUP_RECHECK);
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
