package io.vmtemplating.reconciler;

import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.types.Condition;
import io.vmtemplating.api.v1alpha1.types.TemplateCopy;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A clone's word that its template's files are gone from their node (a reboot empties tmpfs): the clone's own
 * TemplateReady condition, False with reason TemplateFilesMissing, on a clone whose status names this template's
 * UID. The clone reconciler writes it on its clone; the template reconciler, which watches clones, reads it and
 * rebuilds. So each status has one writer (docs/reliability.md, "One writer per status").
 *
 * A report counts while it is not older than the template's Ready transition: an older one was about the files of
 * the build before. Both sides decide with the same {@link #current}. Conditions carry whole seconds, so a report
 * in the very second the template became Ready counts (it is one when a fast build is found wiped at once). The
 * clone withdraws its report once it saw the template rebuilding (reason TemplateRebuilding); only a rebuild that
 * went from report to Ready within one second, unseen by the clone, costs one extra rebuild.
 */
record FilesMissingReport(String cloneName, String message, Instant since) {

    /** The earliest report of the clones about this Ready template's current files, if any. */
    static Optional<FilesMissingReport> of(VmTemplate template, Collection<VmClone> clones) {
        if (template.getStatus() == null || template.getStatus().phase() != TemplatePhase.Ready) {
            return Optional.empty();
        }
        Optional<Instant> readySince = readySince(template);
        String uid = template.getMetadata().getUid();
        return clones.stream()
                .filter(c -> c.getStatus() != null && uid.equals(c.getStatus().templateUid()))
                .flatMap(c -> filesMissing(c).map(condition -> new FilesMissingReport(c.getMetadata().getName(),
                        condition.message(), Instant.parse(condition.lastTransitionTime()))).stream())
                .filter(report -> current(readySince, report.since()))
                .min(Comparator.comparing(FilesMissingReport::since));
    }

    /**
     * For a template with several copies: the earliest report about one Ready copy — from a clone whose pod ran on
     * that copy's node — not older than the copy's own Ready time ({@code copies[].readySince}). Only that copy is
     * rebuilt; the others keep serving.
     */
    static Optional<FilesMissingReport> forCopy(VmTemplate template, TemplateCopy copy, Collection<VmClone> clones) {
        if (copy.phase() != TemplatePhase.Ready || copy.nodeName() == null) {
            return Optional.empty();
        }
        String uid = template.getMetadata().getUid();
        Optional<Instant> readySince = Optional.ofNullable(copy.readySince()).map(Instant::parse);
        return clones.stream()
                .filter(c -> c.getStatus() != null && uid.equals(c.getStatus().templateUid())
                        && copy.nodeName().equals(c.getStatus().nodeName()))
                .flatMap(c -> filesMissing(c).map(condition -> new FilesMissingReport(c.getMetadata().getName(),
                        condition.message(), Instant.parse(condition.lastTransitionTime()))).stream())
                .filter(report -> current(readySince, report.since()))
                .min(Comparator.comparing(FilesMissingReport::since));
    }

    /**
     * The clone's report still stands (the clone waits): for a template with several copies, while the copy on the
     * clone's node is the Ready one it reported about; once that copy is reset, the clone starts again on a node with
     * a Ready copy. For one copy, while the template is Ready since before the report.
     */
    static boolean stands(VmClone clone, VmTemplate template) {
        Optional<Instant> reported = filesMissing(clone).map(c -> Instant.parse(c.lastTransitionTime()));
        if (reported.isEmpty()) {
            return false;
        }
        if (io.vmtemplating.api.v1alpha1.types.PlacementSpec.copiesOf(template.getSpec().placement()) == 1) {
            return current(readySince(template), reported.get());
        }
        String node = clone.getStatus().nodeName();
        return TemplateCopies.of(template.getStatus()).stream()
                .filter(c -> c.phase() == TemplatePhase.Ready && node != null && node.equals(c.nodeName()))
                .anyMatch(c -> current(Optional.ofNullable(c.readySince()).map(Instant::parse), reported.get()));
    }

    /** The clone's TemplateReady condition when it says the files were missing. */
    static Optional<Condition> filesMissing(VmClone clone) {
        List<Condition> conditions = clone.getStatus() == null ? null : clone.getStatus().conditions();
        return (conditions == null ? List.<Condition>of() : conditions).stream()
                .filter(c -> Conditions.TEMPLATE_READY.equals(c.type()) && Conditions.FALSE.equals(c.status())
                        && Conditions.REASON_TEMPLATE_FILES_MISSING.equals(c.reason()) && c.lastTransitionTime() != null)
                .findFirst();
    }

    /** When the template last became Ready, from its Ready condition. */
    static Optional<Instant> readySince(VmTemplate template) {
        List<Condition> conditions = template.getStatus() == null ? null : template.getStatus().conditions();
        return (conditions == null ? List.<Condition>of() : conditions).stream()
                .filter(c -> Conditions.READY.equals(c.type()) && c.lastTransitionTime() != null)
                .findFirst().map(c -> Instant.parse(c.lastTransitionTime()));
    }

    /** A report at {@code reported} is about the template's current build (it became Ready before or then). */
    static boolean current(Optional<Instant> readySince, Instant reported) {
        return readySince.isEmpty() || !readySince.get().isAfter(reported);
    }
}
