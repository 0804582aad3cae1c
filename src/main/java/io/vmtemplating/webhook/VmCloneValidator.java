package io.vmtemplating.webhook;

import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmCloneSpec;
import io.vmtemplating.api.v1alpha1.VmTemplate;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Every rule a VmClone must pass ({@link CloneSpecRules}), on the Kubernetes objects, and the rule of an update.
 * The template is optional: a clone may be applied before its template and then waits.
 */
public final class VmCloneValidator {

    static final String TEMPLATE_REF_IMMUTABLE = "templateRef is immutable: create a new VmClone instead";

    private VmCloneValidator() {
    }

    public static List<Violation> validate(VmClone clone, Optional<VmTemplate> template) {
        VmCloneSpec spec = clone == null ? null : clone.getSpec();
        if (template.isEmpty() || template.get().getSpec() == null) {
            return CloneSpecRules.check(spec, "", null);
        }
        String name = template.get().getMetadata() == null ? "" : template.get().getMetadata().getName();
        return CloneSpecRules.check(spec, name, template.get().getSpec());
    }

    /** templateRef may not change; with an unchanged spec nothing else is checked (see VmTemplateValidator). */
    public static List<Violation> validateUpdate(VmClone oldClone, VmClone newClone, Optional<VmTemplate> template) {
        VmCloneSpec oldSpec = oldClone == null ? null : oldClone.getSpec();
        VmCloneSpec newSpec = newClone == null ? null : newClone.getSpec();
        if (Objects.equals(oldSpec, newSpec)) {
            return List.of();
        }
        Violations out = new Violations();
        if (!Objects.equals(oldSpec == null ? null : oldSpec.templateRef(), newSpec == null ? null : newSpec.templateRef())) {
            out.add("spec.templateRef", TEMPLATE_REF_IMMUTABLE);
        }
        out.addAll(validate(newClone, template));
        return out.list();
    }
}
