package io.vmtemplating.webhook;

import io.vmtemplating.api.v1alpha1.VmTemplateSpec;

import java.util.List;

/**
 * Every webhook rule of a VmTemplate's spec, on the spec alone: VmTemplateValidator applies them to the Kubernetes
 * object, the launcher to the spec its pod received. Kept apart from the validator because VmTemplate is a fabric8
 * CustomResource and the launcher's class path has no fabric8 (our jar and Jackson only); the rule classes it calls
 * take spec types only.
 */
public final class TemplateSpecRules {

    private TemplateSpecRules() {
    }

    /**
     * @param spec null when the object has none
     * @param bootFileDirs the node directories boot files may come from (the operator's setting)
     */
    public static List<Violation> check(VmTemplateSpec spec, BootFileDirs bootFileDirs) {
        Violations out = new Violations();
        if (spec == null) {
            out.add("spec", "is required; set at least memory.size and boot");
            return out.list();
        }
        if (spec.cpus() != null && (spec.cpus() < 1 || spec.cpus() > 64)) {
            out.add("spec.cpus", spec.cpus() + " is out of range; set 1 to 64");
        }
        MemoryRules.check(spec.memory(), out);
        BootRules.check(spec.boot(), bootFileDirs, out);
        DeviceRules.check(spec.devices(), spec.memory(), out);
        FreezeRules.check(spec.freeze(), spec.devices() == null ? null : spec.devices().serialConsole(), out);
        if (spec.qemu() != null) {
            ExtraArgsRule.check(spec.qemu().extraArgs(), "spec.qemu.extraArgs", out);
        }
        if (spec.claimData() != null && (spec.claimData().directory() == null || spec.claimData().directory().isBlank())) {
            out.add("spec.claimData.directory", "is required; name the guest directory that receives each clone's files,"
                    + " e.g. /run/vmtemplating");
        }
        PlacementRules.check(spec.placement(), spec.qemu(), out);
        return out.list();
    }
}
