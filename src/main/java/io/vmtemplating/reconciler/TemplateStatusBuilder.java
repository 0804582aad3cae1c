package io.vmtemplating.reconciler;

import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.VmTemplateStatus;
import io.vmtemplating.api.v1alpha1.types.Condition;
import io.vmtemplating.api.v1alpha1.types.TemplateFiles;
import io.vmtemplating.launcher.LauncherResult;
import io.vmtemplating.api.v1alpha1.types.PlacementSpec;
import io.vmtemplating.api.v1alpha1.types.TemplateCopy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Objects;
import java.util.Optional;

/**
 * The next status of a template, starting from its current one: one {@link CopyState} per node's copy, each stating
 * the facts of its build, and the template's own facts (clone count, files, deletion). The top-level phase, Ready
 * condition and node are those of the first Ready copy (else the first one still building, else copy 0), so a
 * template with one copy reads as it always did; {@link #patchIfChanged} patches only when something differs.
 */
final class TemplateStatusBuilder {
    private final VmTemplateStatus previous;
    private final Long generation;
    private final Clock clock;
    private final List<CopyState> copies = new ArrayList<>();

    private String deletionMessage;
    private TemplateFiles files;
    private Integer clones;
    private int wanted;

    TemplateStatusBuilder(VmTemplate template, Clock clock) {
        this.previous = Optional.ofNullable(template.getStatus())
                .orElse(new VmTemplateStatus(null, null, null, null, null, null, null, null, null, null, null));
        this.generation = template.getMetadata().getGeneration();
        this.clock = clock;
        this.files = previous.files();
        this.clones = previous.clones();
        this.wanted = PlacementSpec.copiesOf(template.getSpec() == null ? null : template.getSpec().placement());
        TemplateCopies.of(previous).forEach(c -> copies.add(new CopyState(c)));
        copies.removeIf(c -> c.copy >= wanted);
        for (int i = 0; i < wanted; i++) {
            int index = i;
            if (copies.stream().noneMatch(c -> c.copy == index)) {
                copies.add(CopyState.fresh(i));
            }
        }
        copies.sort(Comparator.comparingInt(c -> c.copy));
    }

    /** The copies the placement asks for, copy 0 first. */
    List<CopyState> copies() {
        return copies;
    }

    CopyState copy(int index) {
        return copies.get(index);
    }

    TemplatePhase phase() {
        return deletionMessage != null ? TemplatePhase.Deleting : representative().phase();
    }

    String readyReason() {
        return representative().reason();
    }

    /** Nodes whose copy is Ready: where clones can run. */
    List<String> readyNodes() {
        return copies.stream().filter(CopyState::ready).map(CopyState::nodeName).filter(Objects::nonNull).toList();
    }

    /** When the template's files were found missing, if it is being rebuilt for that reason. */
    Optional<java.time.Instant> rebuildingSince() {
        return condition(Conditions.READY)
                .filter(c -> Conditions.REASON_TEMPLATE_FILES_MISSING.equals(c.reason()) && c.lastTransitionTime() != null)
                .map(c -> java.time.Instant.parse(c.lastTransitionTime()));
    }

    /** Every copy failed for a reason no rebuild can fix: nothing more to do until the template is recreated. */
    boolean failedForGood() {
        return copies.stream().allMatch(CopyState::failedForGood);
    }

    TemplateStatusBuilder clones(int count) {
        this.clones = count;
        return this;
    }

    TemplateStatusBuilder frozenFiles(LauncherResult result) {
        this.files = VmTemplateReconciler.files(result);
        return this;
    }

    /** Every copy back to building from scratch: nothing of the builds whose files are gone stays in the status. */
    TemplateStatusBuilder filesMissing(String message) {
        this.files = null;
        copies.forEach(c -> c.filesMissing(message));
        return this;
    }

    /** A failure of the template itself (its spec): every copy ends with it. */
    TemplateStatusBuilder failed(String reason, String message) {
        copies.forEach(c -> c.failed(reason, message));
        return this;
    }

    TemplateStatusBuilder deleting(String message) {
        this.deletionMessage = message;
        return this;
    }

    /** The copy the top-level fields describe: the first Ready, else the first still building, else copy 0. */
    private CopyState representative() {
        return copies.stream().filter(CopyState::ready).findFirst()
                .or(() -> copies.stream().filter(c -> c.phase() != TemplatePhase.Failed).findFirst())
                .orElse(copies.get(0));
    }

    VmTemplateStatus build() {
        CopyState shown = representative();
        boolean ready = shown.ready();
        ConditionSet conditions = new ConditionSet(previous.conditions(), generation, clock)
                .set(Conditions.READY, ready ? Conditions.TRUE : Conditions.FALSE, shown.reason(), shown.message());
        if (wanted > 1) {
            List<CopyState> notReady = copies.stream().filter(c -> !c.ready()).toList();
            conditions.set(Conditions.ALL_NODES_READY, notReady.isEmpty() ? Conditions.TRUE : Conditions.FALSE,
                    notReady.isEmpty() ? Conditions.REASON_ALL_COPIES_READY : Conditions.REASON_COPIES_NOT_READY,
                    notReady.isEmpty() ? "all " + wanted + " copies are Ready on nodes " + String.join(", ", readyNodes())
                            : (wanted - notReady.size()) + " of " + wanted + " copies Ready; "
                                    + notReady.stream().map(TemplateStatusBuilder::describe).collect(Collectors.joining("; ")));
        }
        if (deletionMessage != null) {
            conditions.set(Conditions.DELETION_BLOCKED, Conditions.TRUE, Conditions.REASON_CLONES_REMAIN, deletionMessage);
        }
        if (shown.phase() == TemplatePhase.Failed && deletionMessage == null) {
            conditions.set(Conditions.STALLED, Conditions.TRUE, shown.reason(), shown.message());
        }
        TemplateCopy top = shown.build();
        return new VmTemplateStatus(phase(), conditions.toList(), generation, top.nodeName(), top.podName(), files,
                top.qemuVersion(), top.bootMillis(), top.freezeMillis(), clones, top.failedAttempts(),
                copies.stream().map(CopyState::build).toList(), readyNodes().size());
    }

    private static String describe(CopyState copy) {
        return "copy " + copy.copy + (copy.nodeName() == null ? "" : " on node " + copy.nodeName()) + " is "
                + copy.phase() + " (" + copy.reason() + "): " + copy.message();
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
