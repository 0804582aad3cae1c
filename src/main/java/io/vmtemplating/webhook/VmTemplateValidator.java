package io.vmtemplating.webhook;

import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.VmTemplateSpec;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Objects;

/**
 * Every rule a VmTemplate must pass (DESIGN.md section 6): those of its spec ({@link TemplateSpecRules}) and the rule of
 * an update. Pure: the webhook, the reconciler and `vmt validate` call it alike. Null means "the default" everywhere,
 * because neither `vmt validate` nor the mock API server applies CRD defaults, and the CEL rules are enforced here too
 * for the same reason.
 */
public final class VmTemplateValidator {

    static final String IMMUTABLE = "VmTemplate spec is immutable: clones restore into exactly this VM;"
            + " create a new VmTemplate instead";

    private VmTemplateValidator() {
    }

    /** The rules with the default boot-file directories (`vmt validate` without a cluster, local mode's defaults). */
    public static List<Violation> validate(VmTemplate template) {
        return validate(template, BootFileDirs.DEFAULT);
    }

    public static List<Violation> validate(VmTemplate template, BootFileDirs bootFileDirs) {
        return TemplateSpecRules.check(template == null ? null : template.getSpec(), bootFileDirs);
    }

    /**
     * An update may not change the spec. When the spec is unchanged the other rules are skipped: an object that
     * slipped past admission (older rules, webhook down) must still accept metadata updates such as the
     * removal of its finalizer, or it could never be deleted.
     */
    public static List<Violation> validateUpdate(VmTemplate oldTemplate, VmTemplate newTemplate) {
        return validateUpdate(oldTemplate, newTemplate, BootFileDirs.DEFAULT);
    }

    public static List<Violation> validateUpdate(VmTemplate oldTemplate, VmTemplate newTemplate, BootFileDirs bootFileDirs) {
        VmTemplateSpec oldSpec = oldTemplate == null ? null : oldTemplate.getSpec();
        VmTemplateSpec newSpec = newTemplate == null ? null : newTemplate.getSpec();
        if (Objects.equals(oldSpec, newSpec)) {
            return List.of();
        }
        Violations out = new Violations();
        if (oldSpec == null || newSpec == null) {
            out.add("spec", IMMUTABLE);
        } else {
            for (RecordComponent field : VmTemplateSpec.class.getRecordComponents()) {
                if (!Objects.equals(read(field, oldSpec), read(field, newSpec))) {
                    out.add("spec." + field.getName(), IMMUTABLE);
                }
            }
        }
        out.addAll(validate(newTemplate, bootFileDirs));
        return out.list();
    }

    private static Object read(RecordComponent field, VmTemplateSpec spec) {
        try {
            return field.getAccessor().invoke(spec);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("record accessor " + field.getName(), e);
        }
    }
}
