package io.vmtemplating.webhook;

import io.vmtemplating.api.v1alpha1.types.BalloonSpec;
import io.vmtemplating.api.v1alpha1.types.DevicesSpec;
import io.vmtemplating.api.v1alpha1.types.MemorySpec;
import io.vmtemplating.api.v1alpha1.types.VirtioMemSpec;

import java.util.OptionalLong;

/** spec.devices: no vhost-user; a balloon that never gives memory back; a virtio-mem device that starts empty. */
final class DeviceRules {

    private DeviceRules() {
    }

    static void check(DevicesSpec devices, MemorySpec memory, Violations out) {
        if (devices == null) {
            return;
        }
        if (devices.vhostUser() != null) {
            for (int i = 0; i < devices.vhostUser().size(); i++) {
                out.add("spec.devices.vhostUser[" + i + "]", ExtraArgsRule.VHOST_USER);
            }
        }
        balloon(devices.balloon(), memory, out);
        virtioMem(devices.virtioMem(), memory, out);
    }

    private static void balloon(BalloonSpec balloon, MemorySpec memory, Violations out) {
        if (balloon == null) {
            return;
        }
        // checked even with enabled=false: the flags say the user expects memory to be given back, which never works
        if (Boolean.TRUE.equals(balloon.freePageReporting())) {
            out.add("spec.devices.balloon.freePageReporting",
                    "free page reporting cannot discard file-backed template memory; set it to false");
        }
        if (Boolean.TRUE.equals(balloon.freePageHinting())) {
            out.add("spec.devices.balloon.freePageHinting",
                    "free page hinting cannot discard file-backed template memory; set it to false");
        }
        if (balloon.targetSize() == null) {
            return;
        }
        OptionalLong target = Sizes.mebibytes(balloon.targetSize(), false);
        OptionalLong size = memory == null ? OptionalLong.empty() : Sizes.mebibytes(memory.size(), false);
        if (target.isEmpty()) {
            out.add("spec.devices.balloon.targetSize", Sizes.notAQuantity(balloon.targetSize(), false));
        } else if (size.isPresent() && target.getAsLong() < size.getAsLong()) {
            out.add("spec.devices.balloon.targetSize", "a target below memory.size (" + Sizes.format(size.getAsLong())
                    + ") inflates the balloon, which cannot discard file-backed template memory (QEMU logs an error"
                    + " per page); remove it or set it to memory.size");
        }
    }

    private static void virtioMem(VirtioMemSpec virtioMem, MemorySpec memory, Violations out) {
        if (virtioMem == null) {
            return;
        }
        String path = "spec.devices.virtioMem";
        OptionalLong size = MemoryRules.size(virtioMem.size(), path + ".size", out);
        String requested = virtioMem.requestedSize() == null ? "0" : virtioMem.requestedSize();
        OptionalLong requestedMebibytes = Sizes.mebibytes(requested, true);
        if (requestedMebibytes.isEmpty()) {
            out.add(path + ".requestedSize", Sizes.notAQuantity(requested, true));
        } else if (requestedMebibytes.getAsLong() != 0) {
            out.add(path + ".requestedSize", "must be 0 on a template: plugged virtio-mem memory cannot be part of"
                    + " template memory; set it to 0 and plug memory in clones (VmClone spec.virtioMem)");
        }
        String blockText = virtioMem.blockSize() == null ? "2Mi" : virtioMem.blockSize();
        OptionalLong block = Sizes.mebibytes(blockText, false);
        if (block.isEmpty()) {
            out.add(path + ".blockSize", Sizes.notAQuantity(blockText, false));
            return;
        }
        long blockMebibytes = block.getAsLong();
        if (blockMebibytes < 2 || Long.bitCount(blockMebibytes) != 1) {
            out.add(path + ".blockSize", blockText + " is not a power of two of at least 2Mi; use 2Mi, 4Mi, 8Mi, ...");
            return;
        }
        if (size.isPresent() && size.getAsLong() % blockMebibytes != 0) {
            out.add(path + ".size", Sizes.format(size.getAsLong()) + " is not a multiple of the block size "
                    + blockText + "; make it a multiple of " + blockText);
        }
        if (MemoryRules.hugePageMebibytes(memory).isPresent()) {
            // with the size a multiple of the block, a block that is a multiple of the page covers the size too
            MemoryRules.multipleOfPage(path + ".blockSize", blockMebibytes, memory.hugePageSize(), out);
        }
    }
}
