package io.vmtemplating.reconciler;

import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.VmTemplateStatus;
import io.vmtemplating.api.v1alpha1.types.Condition;
import io.vmtemplating.api.v1alpha1.types.TemplateFiles;
import io.vmtemplating.launcher.LauncherResult;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The next status of a template, starting from its current one: each method states one fact of the
 * reconcile (phase, Ready condition and the fields that go with it); {@link #patchIfChanged} patches only
 * when something differs.
 */
final class TemplateStatusBuilder {
    private final VmTemplateStatus previous;
    private final Long generation;
    private final Clock clock;

    private TemplatePhase phase;
    private String readyStatus;
    private String readyReason;
    private String readyMessage;
    private String deletionMessage;
    private String nodeName;
    private String podName;
    private TemplateFiles files;
    private String qemuVersion;
    private Long bootMillis;
    private Long freezeMillis;
    private Integer clones;
    private int failedAttempts;

    TemplateStatusBuilder(VmTemplate template, Clock clock) {
        this.previous = Optional.ofNullable(template.getStatus())
                .orElse(new VmTemplateStatus(null, null, null, null, null, null, null, null, null, null, null));
        this.generation = template.getMetadata().getGeneration();
        this.clock = clock;
        this.phase = Optional.ofNullable(previous.phase()).orElse(TemplatePhase.Pending);
        Optional<Condition> ready = condition(Conditions.READY);
        this.readyStatus = ready.map(Condition::status).orElse(Conditions.FALSE);
        this.readyReason = ready.map(Condition::reason).orElse(Conditions.REASON_POD_PENDING);
        this.readyMessage = ready.map(Condition::message).orElse("waiting for the launcher pod");
        this.nodeName = previous.nodeName();
        this.podName = previous.podName();
        this.files = previous.files();
        this.qemuVersion = previous.qemuVersion();
        this.bootMillis = previous.bootMillis();
        this.freezeMillis = previous.freezeMillis();
        this.clones = previous.clones();
        this.failedAttempts = Optional.ofNullable(previous.failedAttempts()).orElse(0);
    }

    TemplatePhase phase() {
        return phase;
    }

    int failedAttempts() {
        return failedAttempts;
    }

    String readyReason() {
        return readyReason;
    }

    /** When the template's files were found missing, if it is being rebuilt for that reason. */
    Optional<java.time.Instant> rebuildingSince() {
        return condition(Conditions.READY)
                .filter(c -> Conditions.REASON_TEMPLATE_FILES_MISSING.equals(c.reason()) && c.lastTransitionTime() != null)
                .map(c -> java.time.Instant.parse(c.lastTransitionTime()));
    }

    /** Failed for a reason no rebuild can fix: nothing more to do until the template is recreated. */
    boolean failedForGood() {
        return Conditions.REASON_BACKOFF_LIMIT_EXCEEDED.equals(readyReason)
                || Conditions.REASON_INVALID_SPEC.equals(readyReason);
    }

    TemplateStatusBuilder clones(int count) {
        this.clones = count;
        return this;
    }

    TemplateStatusBuilder podName(String name) {
        this.podName = name;
        return this;
    }

    TemplateStatusBuilder pending(String message) {
        return phase(TemplatePhase.Pending, Conditions.FALSE, Conditions.REASON_POD_PENDING, message);
    }

    /** The kubelet cannot start the build pod (an image, a volume): the reason names which. */
    TemplateStatusBuilder podTrouble(PodTrouble trouble) {
        return phase(TemplatePhase.Pending, Conditions.FALSE, trouble.reason(), trouble.message());
    }

    /** @param reason BuildFailed, or what failed when the launcher said (NoMemorySpace) */
    TemplateStatusBuilder retrying(String reason, String message) {
        return phase(TemplatePhase.Pending, Conditions.FALSE, reason, message);
    }

    TemplateStatusBuilder booting(String pod, String node) {
        this.nodeName = node;
        return phase(TemplatePhase.Booting, Conditions.FALSE, Conditions.REASON_BOOTING,
                "QEMU is booting the guest in pod " + pod + "; waiting for the freeze trigger");
    }

    TemplateStatusBuilder freezing(String pod, String node) {
        this.nodeName = node;
        return phase(TemplatePhase.Freezing, Conditions.FALSE, Conditions.REASON_FREEZING,
                "the freeze trigger fired; saving device state in pod " + pod);
    }

    TemplateStatusBuilder ready(String node, LauncherResult result) {
        this.nodeName = node;
        this.files = VmTemplateReconciler.files(result);
        this.qemuVersion = result.qemuVersion();
        this.bootMillis = result.bootMillis();
        this.freezeMillis = result.freezeMillis();
        return phase(TemplatePhase.Ready, Conditions.TRUE, Conditions.REASON_FROZEN,
                "frozen with QEMU " + result.qemuVersion() + " on node " + node);
    }

    /** Back to building from scratch: nothing of the build whose files are gone stays in the status. */
    TemplateStatusBuilder filesMissing(String message) {
        this.nodeName = null;
        this.podName = null;
        this.files = null;
        this.qemuVersion = null;
        this.bootMillis = null;
        this.freezeMillis = null;
        this.failedAttempts = 0;
        return phase(TemplatePhase.Pending, Conditions.FALSE, Conditions.REASON_TEMPLATE_FILES_MISSING, message);
    }

    TemplateStatusBuilder failedAttempt(int attempt) {
        this.failedAttempts = Math.max(failedAttempts, attempt);
        return this;
    }

    TemplateStatusBuilder failed(String reason, String message) {
        return phase(TemplatePhase.Failed, Conditions.FALSE, reason, message);
    }

    TemplateStatusBuilder deleting(String message) {
        this.deletionMessage = message;
        return phase(TemplatePhase.Deleting, readyStatus, readyReason, readyMessage);
    }

    private TemplateStatusBuilder phase(TemplatePhase phase, String status, String reason, String message) {
        this.phase = phase;
        this.readyStatus = status;
        this.readyReason = reason;
        this.readyMessage = message;
        return this;
    }

    VmTemplateStatus build() {
        ConditionSet conditions = new ConditionSet(previous.conditions(), generation, clock)
                .set(Conditions.READY, readyStatus, readyReason, readyMessage);
        if (deletionMessage != null) {
            conditions.set(Conditions.DELETION_BLOCKED, Conditions.TRUE, Conditions.REASON_CLONES_REMAIN, deletionMessage);
        }
        if (phase == TemplatePhase.Failed) {
            conditions.set(Conditions.STALLED, Conditions.TRUE, readyReason, readyMessage);
        }
        return new VmTemplateStatus(phase, conditions.toList(), generation, nodeName, podName, files, qemuVersion,
                bootMillis, freezeMillis, clones, failedAttempts);
    }

    boolean changed(VmTemplate template) {
        return !Objects.equals(build(), template.getStatus());
    }

    /** Patch status from a fresh object holding only name, namespace and status (no stale spec or metadata). */
    UpdateControl<VmTemplate> patchIfChanged(VmTemplate template) {
        if (!changed(template)) {
            return UpdateControl.noUpdate();
        }
        VmTemplate fresh = new VmTemplate();
        fresh.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withName(template.getMetadata().getName())
                .withNamespace(template.getMetadata().getNamespace())
                .build());
        fresh.setStatus(build());
        return UpdateControl.patchStatus(fresh);
    }

    private Optional<Condition> condition(String type) {
        return Optional.ofNullable(previous.conditions()).orElse(List.of()).stream()
                .filter(c -> type.equals(c.type())).findFirst();
    }
}
