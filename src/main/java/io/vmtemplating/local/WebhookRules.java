package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmClonePool;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.webhook.Violation;
import io.vmtemplating.webhook.VmCloneValidator;
import io.vmtemplating.webhook.VmClonePoolValidator;
import io.vmtemplating.webhook.VmTemplateValidator;
import java.util.List;
import java.util.Optional;

/** The admission webhook's validators, applied by the embedded API server to every create and update. */
public final class WebhookRules implements AdmissionCheck {

    @Override
    public List<String> violations(HasMetadata object, Optional<HasMetadata> old, AdmissionLookup lookup) {
        List<Violation> violations;
        if (object instanceof VmTemplate template) {
            violations = old.isPresent()
                    ? VmTemplateValidator.validateUpdate((VmTemplate) old.get(), template)
                    : VmTemplateValidator.validate(template);
        } else if (object instanceof VmClone clone && VmCloneValidator.isClaim(clone) && old.isEmpty()) {
            Optional<VmClonePool> pool = clone.getSpec().poolRef().name() == null ? Optional.empty()
                    : lookup.get("VmClonePool", clone.getMetadata().getNamespace(), clone.getSpec().poolRef().name())
                            .map(VmClonePool.class::cast);
            // as the webhook: claim data needs the pool's template to declare it
            Optional<VmTemplate> template = pool.map(VmClonePool::getSpec).map(s -> s.templateRef())
                    .flatMap(ref -> lookup.get("VmTemplate", clone.getMetadata().getNamespace(), ref.name()))
                    .map(VmTemplate.class::cast);
            violations = VmCloneValidator.validateClaim(clone, pool, template);
        } else if (object instanceof VmClonePool pool) {
            Optional<VmTemplate> template = pool.getSpec() == null || pool.getSpec().templateRef() == null
                    ? Optional.empty()
                    : lookup.get("VmTemplate", pool.getMetadata().getNamespace(), pool.getSpec().templateRef().name())
                            .map(VmTemplate.class::cast);
            violations = VmClonePoolValidator.validate(pool, template);
        } else if (object instanceof VmClone clone) {
            Optional<VmTemplate> template = clone.getSpec() == null || clone.getSpec().templateRef() == null
                    ? Optional.empty()
                    : lookup.get("VmTemplate", clone.getMetadata().getNamespace(), clone.getSpec().templateRef().name())
                            .map(VmTemplate.class::cast);
            violations = old.isPresent()
                    ? VmCloneValidator.validateUpdate((VmClone) old.get(), clone, template)
                    : VmCloneValidator.validate(clone, template);
        } else {
            return List.of();
        }
        return violations.stream().map(Violation::render).toList();
    }
}
