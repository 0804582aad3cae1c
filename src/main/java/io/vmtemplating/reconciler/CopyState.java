package io.vmtemplating.reconciler;

import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.types.TemplateCopy;
import io.vmtemplating.launcher.LauncherResult;

/**
 * The next state of one node's copy of a template, starting from its current one: each method states one fact of the
 * reconcile (phase, reason and message, and the fields that go with them).
 */
final class CopyState {
    final int copy;
    private TemplatePhase phase;
    private String reason;
    private String message;
    private String nodeName;
    private String podName;
    private String qemuVersion;
    private Long bootMillis;
    private Long freezeMillis;
    private int failedAttempts;
    private String readySince;
    private String cpuModel;

    CopyState(TemplateCopy previous) {
        this.copy = previous.copy() == null ? 0 : previous.copy();
        this.phase = previous.phase() == null ? TemplatePhase.Pending : previous.phase();
        this.reason = previous.reason() == null ? Conditions.REASON_POD_PENDING : previous.reason();
        this.message = previous.message() == null ? "waiting for the launcher pod" : previous.message();
        this.nodeName = previous.nodeName();
        this.podName = previous.podName();
        this.qemuVersion = previous.qemuVersion();
        this.bootMillis = previous.bootMillis();
        this.freezeMillis = previous.freezeMillis();
        this.failedAttempts = previous.failedAttempts() == null ? 0 : previous.failedAttempts();
        this.readySince = previous.readySince();
        this.cpuModel = previous.cpuModel();
    }

    static CopyState fresh(int copy) {
        return new CopyState(new TemplateCopy(copy, null, null, null, null, null, null, null, null, null));
    }

    TemplatePhase phase() {
        return phase;
    }

    String reason() {
        return reason;
    }

    String message() {
        return message;
    }

    String nodeName() {
        return nodeName;
    }

    String qemuVersion() {
        return qemuVersion;
    }

    /** Frozen with a QEMU the other copies do not run: kept (its files, its node) but never used. */
    CopyState qemuMismatch(String message) {
        return phase(TemplatePhase.Failed, Conditions.REASON_QEMU_VERSION_MISMATCH, message);
    }

    int failedAttempts() {
        return failedAttempts;
    }

    boolean ready() {
        return phase == TemplatePhase.Ready;
    }

    /** Failed for a reason no rebuild can fix: nothing more to do for this copy until the template is recreated. */
    boolean failedForGood() {
        return phase == TemplatePhase.Failed && (Conditions.REASON_BACKOFF_LIMIT_EXCEEDED.equals(reason)
                || Conditions.REASON_INVALID_SPEC.equals(reason) || Conditions.REASON_QEMU_VERSION_MISMATCH.equals(reason));
    }

    CopyState podName(String name) {
        this.podName = name;
        return this;
    }

    CopyState pending(String message) {
        return phase(TemplatePhase.Pending, Conditions.REASON_POD_PENDING, message);
    }

    /** The kubelet cannot start the build pod (an image, a volume): the reason names which. */
    CopyState podTrouble(PodTrouble trouble) {
        return phase(TemplatePhase.Pending, trouble.reason(), trouble.message());
    }

    /** @param reason BuildFailed, or what failed when the launcher said (NoMemorySpace) */
    CopyState retrying(String reason, String message) {
        return phase(TemplatePhase.Pending, reason, message);
    }

    CopyState booting(String pod, String node) {
        this.nodeName = node;
        return phase(TemplatePhase.Booting, Conditions.REASON_BOOTING,
                "QEMU is booting the guest in pod " + pod + "; waiting for the freeze trigger");
    }

    CopyState freezing(String pod, String node) {
        this.nodeName = node;
        return phase(TemplatePhase.Freezing, Conditions.REASON_FREEZING,
                "the freeze trigger fired; saving device state in pod " + pod);
    }

    /** @param now when it became Ready (a Ready copy is not reconciled again: this is its transition) */
    CopyState ready(String node, LauncherResult result, String cpuModel, java.time.Instant now) {
        this.cpuModel = cpuModel;
        this.readySince = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        this.nodeName = node;
        this.qemuVersion = result.qemuVersion();
        this.bootMillis = result.bootMillis();
        this.freezeMillis = result.freezeMillis();
        return frozen();
    }

    /** Back to building from scratch: nothing of the build whose files are gone stays. */
    CopyState filesMissing(String message) {
        this.nodeName = null;
        this.podName = null;
        this.qemuVersion = null;
        this.bootMillis = null;
        this.freezeMillis = null;
        this.failedAttempts = 0;
        this.readySince = null;
        this.cpuModel = null;
        return phase(TemplatePhase.Pending, Conditions.REASON_TEMPLATE_FILES_MISSING, message);
    }

    /** The copy's node is gone: it starts again from nothing, on another node. */
    CopyState nodeLost(String message) {
        filesMissing(message);
        return phase(TemplatePhase.Pending, Conditions.REASON_NODE_LOST, message);
    }

    /** Its node left the template's placement: no new clone goes there; its files stay until they are removed. */
    CopyState leavingNode(String message) {
        return phase(TemplatePhase.Pending, Conditions.REASON_NODE_LEFT_PLACEMENT, message);
    }

    /** Left a node it no longer belongs on (files removed there): it starts again from nothing, on another node. */
    CopyState nodeLeft(String message) {
        filesMissing(message);
        return phase(TemplatePhase.Pending, Conditions.REASON_NODE_LEFT_PLACEMENT, message);
    }

    /** Still holding files on a node that left the placement. */
    boolean leaving() {
        return nodeName != null && Conditions.REASON_NODE_LEFT_PLACEMENT.equals(reason);
    }

    /** Its node is back in the placement before its files were removed: Ready again as it was frozen. */
    CopyState backInPlacement() {
        return frozen();
    }

    private CopyState frozen() {
        return phase(TemplatePhase.Ready, Conditions.REASON_FROZEN, "frozen with QEMU " + qemuVersion + " on node " + nodeName);
    }

    CopyState failedAttempt(int attempt) {
        this.failedAttempts = Math.max(failedAttempts, attempt);
        return this;
    }

    CopyState failed(String reason, String message) {
        return phase(TemplatePhase.Failed, reason, message);
    }

    private CopyState phase(TemplatePhase phase, String reason, String message) {
        this.phase = phase;
        this.reason = reason;
        this.message = message;
        return this;
    }

    TemplateCopy build() {
        return new TemplateCopy(copy, nodeName, phase, reason, message, podName, qemuVersion, bootMillis, freezeMillis,
                failedAttempts, readySince, cpuModel);
    }
}
