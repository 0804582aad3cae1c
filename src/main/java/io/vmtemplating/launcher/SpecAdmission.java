package io.vmtemplating.launcher;

import io.vmtemplating.api.v1alpha1.VmCloneSpec;
import io.vmtemplating.api.v1alpha1.VmTemplateSpec;
import io.vmtemplating.webhook.BootFileDirs;
import io.vmtemplating.webhook.CloneSpecRules;
import io.vmtemplating.webhook.SchemaLimits;
import io.vmtemplating.webhook.PlacementRules;
import io.vmtemplating.webhook.TemplateSpecRules;
import io.vmtemplating.webhook.Violation;
import java.util.List;

/**
 * Admission once more, in the pod, before QEMU starts: a spec can reach the launcher without having passed the API
 * server's schema or the webhook (the webhook down under failurePolicy Ignore, a changed webhook configuration, a pod
 * written by hand), and its values go into QEMU's argv. The same two stages as on a cluster, in the same order: the
 * CRD's value limits ({@link SchemaLimits}) on the JSON as the pod received it, then, only for a spec within them (the
 * API server calls the webhook only for objects its schema admits), the webhook's rules on the bound spec. Pure
 * classes only: the launcher's class path has no fabric8, networknt or cel-java.
 */
final class SpecAdmission {
    private SpecAdmission() {
    }

    static VmTemplateSpec template(String json, BootFileDirs bootFileDirs) {
        Object tree = SpecJson.tree(PodContract.ENV_TEMPLATE_SPEC, json, VmTemplateSpec.class);
        refuseAny(SchemaLimits.template(tree));
        VmTemplateSpec spec = SpecJson.bindSpec(PodContract.ENV_TEMPLATE_SPEC, tree, VmTemplateSpec.class);
        refuseAny(TemplateSpecRules.check(spec, bootFileDirs));
        // placement is not bound here (its scheduling types are the scheduler's business), but copies rules the CPU
        refuseAny(PlacementRules.check(copies(tree), spec == null ? null : spec.qemu()));
        return spec;
    }

    /** @param template the clone's template, already admitted by {@link #template} */
    static VmCloneSpec clone(String json, VmTemplateSpec template) {
        Object tree = SpecJson.tree(PodContract.ENV_CLONE_SPEC, json, VmCloneSpec.class);
        refuseAny(SchemaLimits.clone(tree));
        VmCloneSpec spec = SpecJson.bindSpec(PodContract.ENV_CLONE_SPEC, tree, VmCloneSpec.class);
        // the pod carries the template's spec, not its object: its name is the one the clone refers to
        String templateName = spec == null || spec.templateRef() == null ? "" : spec.templateRef().name();
        refuseAny(CloneSpecRules.check(spec, templateName, template));
        return spec;
    }

    /** spec.placement.copies from the spec's JSON; a value that is no whole number is the schema's to refuse. */
    private static Integer copies(Object tree) {
        return tree instanceof java.util.Map<?, ?> spec && spec.get("placement") instanceof java.util.Map<?, ?> placement
                && placement.get("copies") instanceof Number copies && copies.doubleValue() == copies.intValue()
                ? copies.intValue() : null;
    }

    /** All violations in one refusal, one per line (as the reconciler words its own), the first naming the field. */
    private static void refuseAny(List<Violation> violations) {
        if (violations.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder(violations.get(0).message());
        for (int i = 1; i < violations.size(); i++) {
            message.append('\n').append(violations.get(i).render());
        }
        throw new InvalidSpecException(violations.get(0).fieldPath(), message.toString());
    }
}
