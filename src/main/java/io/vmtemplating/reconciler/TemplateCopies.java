package io.vmtemplating.reconciler;

import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmTemplateStatus;
import io.vmtemplating.api.v1alpha1.types.Condition;
import io.vmtemplating.api.v1alpha1.types.TemplateCopy;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A template's copies as its status records them. A status written before copies existed has only the top-level
 * fields: they are copy 0, read the same way everywhere (the status builder, clone placement, cleanup).
 */
final class TemplateCopies {
    private TemplateCopies() {
    }

    static List<TemplateCopy> of(VmTemplateStatus status) {
        if (status == null) {
            return List.of();
        }
        if (status.copies() != null && !status.copies().isEmpty()) {
            return status.copies();
        }
        if (status.phase() == null) {
            return List.of();
        }
        Optional<Condition> ready = Optional.ofNullable(status.conditions()).orElse(List.of()).stream()
                .filter(c -> Conditions.READY.equals(c.type())).findFirst();
        // Deleting is the template's phase, not a build's: the copy is Ready or not as the condition says
        TemplatePhase phase = status.phase() != TemplatePhase.Deleting ? status.phase()
                : ready.map(c -> Conditions.TRUE.equals(c.status())).orElse(false) ? TemplatePhase.Ready : TemplatePhase.Pending;
        return List.of(new TemplateCopy(0, status.nodeName(), phase, ready.map(Condition::reason).orElse(null),
                ready.map(Condition::message).orElse(null), status.podName(), status.qemuVersion(), status.bootMillis(),
                status.freezeMillis(), status.failedAttempts()));
    }

    /** The nodes holding files of the template (cleanup goes to each). */
    static List<String> nodes(VmTemplateStatus status) {
        return of(status).stream().map(TemplateCopy::nodeName).filter(Objects::nonNull).distinct().toList();
    }

    /** The nodes with a Ready copy: where clones run. */
    static List<String> readyNodes(VmTemplateStatus status) {
        return of(status).stream().filter(c -> c.phase() == TemplatePhase.Ready).map(TemplateCopy::nodeName)
                .filter(Objects::nonNull).distinct().toList();
    }
}
