package io.vmtemplating.webhook;

import io.vmtemplating.api.v1alpha1.VmClonePool;
import io.vmtemplating.api.v1alpha1.VmClonePoolSpec;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import java.util.List;
import java.util.Optional;

/**
 * Every rule a VmClonePool must pass: a replica count in range, and members that are valid clones of its template
 * (their settings are a clone's: {@link PoolMemberSpec}). The template is optional, as for a clone: a pool may be
 * applied before its template and then waits, saying so in its status.
 */
public final class VmClonePoolValidator {
    static final int MAX_REPLICAS = 100;

    private VmClonePoolValidator() {
    }

    public static List<Violation> validate(VmClonePool pool, Optional<VmTemplate> template) {
        VmClonePoolSpec spec = pool == null ? null : pool.getSpec();
        Violations out = new Violations();
        if (spec == null) {
            out.add("spec", "is required; set templateRef.name and replicas");
            return out.list();
        }
        if (spec.replicas() != null && (spec.replicas() < 0 || spec.replicas() > MAX_REPLICAS)) {
            out.add("spec.replicas", spec.replicas() + " is out of range; set 0 to " + MAX_REPLICAS);
        }
        if (spec.memory() != null && spec.memory().size() != null) {
            out.add("spec.memory.size", "a pool's members have their template's memory size; remove it");
        }
        boolean known = template.isPresent() && template.get().getSpec() != null;
        out.addAll(CloneSpecRules.check(PoolMemberSpec.of(spec, false), known ? template.get().getMetadata().getName() : "",
                known ? template.get().getSpec() : null));
        return out.list();
    }
}
