package io.vmtemplating.webhook;

import io.vmtemplating.api.v1alpha1.types.PlacementSpec;
import io.vmtemplating.api.v1alpha1.types.QemuSpec;
import java.util.List;

/**
 * spec.placement: a template frozen on more than one node is restored on each of them, so its CPU model must be one
 * every node can run. QEMU's -cpu host and -cpu max copy the host's CPU: a state saved on one host's model does not
 * restore on a host with a different one (the migration fails on the first CPUID or MSR that differs).
 */
public final class PlacementRules {
    private PlacementRules() {
    }

    static void check(PlacementSpec placement, QemuSpec qemu, Violations out) {
        out.addAll(check(placement == null ? null : placement.copies(), qemu));
    }

    /**
     * The rules on spec.placement.copies alone: the launcher, which skips placement's scheduling types, checks them
     * from the number in its spec JSON.
     */
    public static List<Violation> check(Integer copies, QemuSpec qemu) {
        Violations out = new Violations();
        if (copies == null) {
            return out.list();
        }
        if (copies < 1 || copies > 16) {
            out.add("spec.placement.copies", copies + " is out of range; set 1 to 16");
            return out.list();
        }
        if (copies == 1) {
            return out.list();
        }
        List<String> args = qemu == null || qemu.extraArgs() == null ? List.of() : qemu.extraArgs();
        for (int i = 0; i + 1 < args.size(); i++) {
            if ("-cpu".equals(args.get(i)) && args.get(i + 1) != null && hostModel(args.get(i + 1))) {
                String model = args.get(i + 1).split(",", 2)[0];
                out.add("spec.qemu.extraArgs[" + (i + 1) + "]", "-cpu " + model + " takes the CPU model of the node"
                        + " it runs on, and spec.placement.copies " + copies + " freezes copies on different"
                        + " nodes: a clone restored on a node with another CPU fails. Name a model every node runs (e.g."
                        + " -cpu qemu64, or the oldest of your nodes' models such as -cpu Skylake-Server) or set copies 1");
            }
        }
        return out.list();
    }

    private static boolean hostModel(String value) {
        String model = value.split(",", 2)[0];
        return model.equals("host") || model.equals("max");
    }
}
