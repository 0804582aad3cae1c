package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.vmtemplating.api.v1alpha1.ClonePhase;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmCloneStatus;
import io.vmtemplating.api.v1alpha1.types.ClaimDataStatus;
import io.vmtemplating.api.v1alpha1.types.ClaimStatus;
import io.vmtemplating.api.v1alpha1.types.Condition;
import io.vmtemplating.api.v1alpha1.types.CloneMemoryFigures;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The next status of a clone; patched only when it differs from the current one. */
final class CloneStatusBuilder {
    private final VmCloneStatus previous;
    private final Long generation;
    private final Clock clock;

    private ClonePhase phase;
    private String templateStatus = Conditions.TRUE;
    private String templateReason = Conditions.REASON_FROZEN;
    private String templateMessage = "the template is Ready";
    private String readyStatus;
    private String readyReason;
    private String readyMessage;
    private String nodeName;
    private String podName;
    private String templateUid;
    private Long restoreMillis;
    private CloneMemoryFigures memory;
    private ClaimStatus claim;
    private ClaimDataStatus claimData;
    /** Null when the template declares no claim data: then the condition is not there at all. */
    private String claimDataStatus;
    private String claimDataReason;
    private String claimDataMessage;

    CloneStatusBuilder(VmClone clone, Clock clock) {
        this.previous = Optional.ofNullable(clone.getStatus())
                .orElse(new VmCloneStatus(null, null, null, null, null, null, null, null, null, null));
        this.generation = clone.getMetadata().getGeneration();
        this.clock = clock;
        this.phase = Optional.ofNullable(previous.phase()).orElse(ClonePhase.Pending);
        this.nodeName = previous.nodeName();
        this.podName = previous.podName();
        this.templateUid = previous.templateUid();
        this.restoreMillis = previous.restoreMillis();
        this.memory = previous.memory();
        this.claim = previous.claim();
        this.claimData = previous.claimData();
        // a reconcile that states no new fact (a finished clone whose pod went away) keeps what Ready said
        Optional<Condition> ready = Optional.ofNullable(previous.conditions()).orElse(List.of()).stream()
                .filter(c -> Conditions.READY.equals(c.type())).findFirst();
        this.readyStatus = ready.map(Condition::status).orElse(Conditions.FALSE);
        this.readyReason = ready.map(Condition::reason).orElse(Conditions.REASON_TEMPLATE_NOT_READY);
        this.readyMessage = ready.map(Condition::message).orElse("waiting for the template");
    }

    ClonePhase phase() {
        return phase;
    }

    CloneStatusBuilder waitingForTemplate(String reason, String message) {
        this.templateStatus = Conditions.FALSE;
        this.templateReason = reason;
        this.templateMessage = message;
        return phase(ClonePhase.Pending, Conditions.FALSE, reason, message);
    }

    CloneStatusBuilder pod(String podName, String nodeName, String templateUid) {
        this.podName = podName;
        this.nodeName = nodeName;
        this.templateUid = templateUid;
        return this;
    }

    /** A claim's pool, the path it took and the template its VM restores from. */
    CloneStatusBuilder claim(ClaimStatus claim) {
        this.claim = claim;
        return this;
    }

    /** A claim waits for its pool (missing, or its template not Ready). */
    CloneStatusBuilder waitingForPool(String reason, String message) {
        return phase(ClonePhase.Pending, Conditions.FALSE, reason, message);
    }

    CloneStatusBuilder restoring(String message) {
        return phase(ClonePhase.Restoring, Conditions.FALSE, Conditions.REASON_RESTORING, message);
    }

    /** The kubelet cannot start the clone's pod (an image, a volume): still Restoring, the reason names why not. */
    CloneStatusBuilder podTrouble(PodTrouble trouble) {
        return phase(ClonePhase.Restoring, Conditions.FALSE, trouble.reason(), trouble.message());
    }

    CloneStatusBuilder running(boolean paused, Long restoreMillis, CloneMemoryFigures memory) {
        this.restoreMillis = restoreMillis != null ? restoreMillis : this.restoreMillis;
        this.memory = memory != null ? memory : this.memory;
        return paused
                ? phase(ClonePhase.Paused, Conditions.TRUE, Conditions.REASON_PAUSED, "the guest is paused (spec.running is false)")
                : phase(ClonePhase.Running, Conditions.TRUE, Conditions.REASON_RUNNING, "the guest is running");
    }

    /** The guest acknowledged its claim data (condition ClaimDataDelivered True). */
    CloneStatusBuilder claimDataDelivered(ClaimDataStatus delivered) {
        this.claimData = delivered;
        return claimDataCondition(Conditions.TRUE, Conditions.REASON_DELIVERED, "the guest acknowledged " + delivered.files()
                + " files in " + delivered.directory() + " after " + delivered.deliveryMillis() + " ms");
    }

    /** Claim data not delivered (yet): ClaimDataDelivered False with the reason; the phase is the caller's. */
    CloneStatusBuilder claimDataPending(String reason, String message) {
        return claimDataCondition(Conditions.FALSE, reason, message);
    }

    private CloneStatusBuilder claimDataCondition(String status, String reason, String message) {
        this.claimDataStatus = status;
        this.claimDataReason = reason;
        this.claimDataMessage = message;
        return this;
    }

    /** The clone waits (Pending) for what its claim data needs, e.g. its Secret. */
    CloneStatusBuilder waitingForClaimData(String reason, String message) {
        claimDataPending(reason, message);
        return phase(ClonePhase.Pending, Conditions.FALSE, reason, message);
    }

    /** Restored and running, not Ready until the guest acknowledged its claim data. */
    CloneStatusBuilder deliveringClaimData(String reason, String message) {
        claimDataPending(reason, message);
        return phase(ClonePhase.Restoring, Conditions.FALSE, reason, message);
    }

    CloneStatusBuilder succeeded() {
        return phase(ClonePhase.Succeeded, Conditions.FALSE, Conditions.REASON_GUEST_POWERED_OFF, "the guest powered off");
    }

    CloneStatusBuilder failed(String reason, String message) {
        return phase(ClonePhase.Failed, Conditions.FALSE, reason, message);
    }

    private CloneStatusBuilder phase(ClonePhase phase, String status, String reason, String message) {
        this.phase = phase;
        this.readyStatus = status;
        this.readyReason = reason;
        this.readyMessage = message;
        return this;
    }

    VmCloneStatus build() {
        ConditionSet conditions = new ConditionSet(previous.conditions(), generation, clock)
                .set(Conditions.READY, readyStatus, readyReason, readyMessage)
                .set(Conditions.TEMPLATE_READY, templateStatus, templateReason, templateMessage);
        if (claimDataStatus != null) {
            conditions.set(Conditions.CLAIM_DATA_DELIVERED, claimDataStatus, claimDataReason, claimDataMessage);
        } else if (previous.conditions() != null) {
            // set by an earlier reconcile and not decided on in this one (the pod ended, say): kept as it was
            previous.conditions().stream().filter(c -> Conditions.CLAIM_DATA_DELIVERED.equals(c.type())).findFirst()
                    .ifPresent(c -> conditions.set(c.type(), c.status(), c.reason(), c.message()));
        }
        if (phase == ClonePhase.Failed) {
            conditions.set(Conditions.STALLED, Conditions.TRUE, readyReason, readyMessage);
        }
        return new VmCloneStatus(phase, conditions.toList(), generation, nodeName, podName, templateUid,
                restoreMillis, memory, claim, claimData);
    }

    UpdateControl<VmClone> patchIfChanged(VmClone clone) {
        VmCloneStatus next = build();
        if (Objects.equals(next, clone.getStatus())) {
            return UpdateControl.noUpdate();
        }
        VmClone fresh = new VmClone();
        fresh.setMetadata(new ObjectMetaBuilder()
                .withName(clone.getMetadata().getName())
                .withNamespace(clone.getMetadata().getNamespace())
                .build());
        fresh.setStatus(next);
        return UpdateControl.patchStatus(fresh);
    }
}
