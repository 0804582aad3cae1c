package io.vmtemplating.qemu;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The part of an argv that a restore depends on: x-ignore-shared needs the same RAM block layout and device set on
 * both sides. Left out: how template memory is mapped (share/readonly/rom/reserve and the file path), -incoming, and
 * the instance's own run directory (sockets). Kept: backend ids and sizes, machine, accelerator, CPUs, devices.
 */
public final class VmShape {
    static final String RUN_DIR_PLACEHOLDER = "<run>";

    private VmShape() {
    }

    public static List<String> normalize(List<String> argv, NodePaths paths) {
        String runDir = paths.runDir().toString();
        List<String> shape = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (arg.equals("-incoming") && i + 1 < argv.size()) {
                i++;
                continue;
            }
            if (i > 0 && argv.get(i - 1).equals("-object") && MemoryBackends.isTemplateMemoryObject(arg)) {
                arg = keepOnly(arg, "id", "size");
            }
            shape.add(arg.replace(runDir, RUN_DIR_PLACEHOLDER));
        }
        return shape;
    }

    public static String sha256(List<String> shape) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String arg : shape) {
                digest.update(arg.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String keepOnly(String objectValue, String... keys) {
        // template memory paths come from UIDs: no escaped commas to care about here
        String[] parts = objectValue.split(",");
        StringBuilder kept = new StringBuilder(parts[0]);
        for (String key : keys) {
            for (String part : parts) {
                if (part.startsWith(key + "=")) {
                    kept.append(',').append(part);
                }
            }
        }
        return kept.toString();
    }
}
