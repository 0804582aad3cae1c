package io.vmtemplating.webhook;

import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmClonePool;
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
    static final String CLAIM_DATA_IMMUTABLE = "claimData is immutable: it is delivered once, when the clone starts";
    static final String POOL_REF_IMMUTABLE = "poolRef is immutable: create a new VmClone instead";

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

    /**
     * A claim (spec.poolRef) on create: its own rules, and its pool must exist — unlike a template, which a clone may
     * wait for, a claim is a request for a VM now, and a typo'd pool would leave it Pending for good.
     */
    public static List<Violation> validateClaim(VmClone clone, Optional<VmClonePool> pool) {
        return validateClaim(clone, pool, Optional.empty());
    }

    /** @param template the pool's template, when known: claim data needs one that declares spec.claimData */
    public static List<Violation> validateClaim(VmClone clone, Optional<VmClonePool> pool, Optional<VmTemplate> template) {
        Violations out = new Violations();
        out.addAll(validate(clone, template));
        String name = clone.getSpec().poolRef().name();
        if (out.list().isEmpty() && pool.isEmpty()) {
            out.add("spec.poolRef.name", "VmClonePool " + name + " does not exist in namespace "
                    + clone.getMetadata().getNamespace() + "; create the pool first, or name one of this namespace");
        }
        return out.list();
    }

    /** Whether a clone is a claim on a pool rather than a clone of a template. */
    public static boolean isClaim(VmClone clone) {
        return clone != null && clone.getSpec() != null && clone.getSpec().poolRef() != null;
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
        if (!Objects.equals(oldSpec == null ? null : oldSpec.poolRef(), newSpec == null ? null : newSpec.poolRef())) {
            out.add("spec.poolRef", POOL_REF_IMMUTABLE);
        }
        if (!Objects.equals(oldSpec == null ? null : oldSpec.claimData(), newSpec == null ? null : newSpec.claimData())) {
            out.add("spec.claimData", CLAIM_DATA_IMMUTABLE);
        }
        out.addAll(validate(newClone, template));
        return out.list();
    }
}
