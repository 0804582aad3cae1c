package io.vmtemplating.qemu;

import java.util.List;

/**
 * Pure: the CPU model a template's QEMU runs, from its extra arguments — the last {@code -cpu} wins, as in QEMU — or
 * QEMU's own default for x86-64 ({@code qemu64}) without one. Recorded per copy: a state restores only under the model
 * it was saved with.
 */
public final class CpuModel {
    /** qemu-system-x86_64's model when no -cpu is given (TCG and KVM alike). */
    public static final String QEMU_DEFAULT = "qemu64";

    private CpuModel() {
    }

    /** @param extraArgs the template's spec.qemu.extraArgs (null: none) */
    public static String of(List<String> extraArgs) {
        String model = QEMU_DEFAULT;
        if (extraArgs != null) {
            for (int i = 0; i + 1 < extraArgs.size(); i++) {
                if ("-cpu".equals(extraArgs.get(i)) && extraArgs.get(i + 1) != null) {
                    // "Skylake-Server,-hle" is the model Skylake-Server with a flag removed: the model is what is named
                    model = extraArgs.get(i + 1).split(",", 2)[0];
                }
            }
        }
        return model;
    }
}
