package io.vmtemplating.webhook;

import io.vmtemplating.api.v1alpha1.types.BootSpec;
import io.vmtemplating.api.v1alpha1.types.FileSource;

import java.util.List;

/**
 * spec.boot: the CEL rules (kernel or disk; initrd and cmdline need a kernel; one source per file) and boot files on the
 * node only from the directories the cluster admin allows ({@link BootFileDirs}).
 */
final class BootRules {

    private BootRules() {
    }

    static void check(BootSpec boot, BootFileDirs dirs, Violations out) {
        if (boot == null) {
            out.add("spec.boot", "is required; set boot.kernel, boot.disk or both");
            return;
        }
        if (boot.kernel() == null && boot.disk() == null) {
            out.add("spec.boot", "nothing to boot; set boot.kernel, boot.disk or both");
        }
        if (boot.initrd() != null && boot.kernel() == null) {
            out.add("spec.boot.initrd", "an initrd needs a kernel; set boot.kernel or remove boot.initrd");
        }
        if (boot.cmdline() != null && boot.kernel() == null) {
            out.add("spec.boot.cmdline", "a command line needs a kernel; set boot.kernel or remove boot.cmdline");
        }
        if (boot.cmdline() != null && boot.cmdline().indexOf('\0') >= 0) {
            out.add("spec.boot.cmdline", "contains a NUL character, which cannot be passed to QEMU; remove it");
        }
        source(boot.kernel(), "spec.boot.kernel", dirs, out);
        source(boot.initrd(), "spec.boot.initrd", dirs, out);
        if (boot.disk() != null) {
            if (boot.disk().source() == null) {
                out.add("spec.boot.disk.source", "is required; set hostPath, persistentVolumeClaim or image");
            }
            source(boot.disk().source(), "spec.boot.disk.source", dirs, out);
        }
    }

    private static void source(FileSource source, String path, BootFileDirs dirs, Violations out) {
        if (source == null) {
            return;
        }
        // plain code, no streams or lambdas here: the launcher runs these rules on its way to QEMU, where a first
        // lambda costs milliseconds
        int set = (source.hostPath() != null ? 1 : 0) + (source.persistentVolumeClaim() != null ? 1 : 0) + (source.image() != null ? 1 : 0);
        if (set != 1) {
            out.add(path, "set exactly one of hostPath, persistentVolumeClaim or image");
        }
        if (source.hostPath() != null) {
            String file = source.hostPath().path();
            if (file == null || !file.startsWith("/") || file.indexOf('\0') >= 0) {
                out.add(path + ".hostPath.path", "must be an absolute path on the node, e.g. /var/lib/vmtemplating/guest/vmlinuz");
            } else if (!java.nio.file.Path.of(file).normalize().toString().equals(file)) {
                out.add(path + ".hostPath.path", "must be a normalized path without '..', '.' or '//' segments; write it as "
                        + java.nio.file.Path.of(file).normalize());
            } else if (dirs.containing(file).isEmpty()) {
                // an initrd is copied into guest memory: a host file named here becomes readable inside the guest
                out.add(path + ".hostPath.path", "must be a file inside a boot-file directory the cluster admin allows ("
                        + String.join(", ", dirs.dirs()) + "); copy the file there, or ask the admin to add its"
                        + " directory to " + BootFileDirs.SETTING);
            }
        }
        if (source.persistentVolumeClaim() != null) {
            if (source.persistentVolumeClaim().claimName() == null) {
                out.add(path + ".persistentVolumeClaim.claimName", "is required; name a PersistentVolumeClaim of this namespace");
            }
            relative(source.persistentVolumeClaim().path(), path + ".persistentVolumeClaim.path", out);
        }
        if (source.image() != null) {
            if (source.image().reference() == null || source.image().reference().isBlank()) {
                out.add(path + ".image.reference", "is required; name an OCI image, e.g. registry.example/guests/kernel:6.1");
            }
            relative(source.image().path(), path + ".image.path", out);
        }
    }

    /** Paths inside a volume stay inside it: relative, without '..' segments. */
    private static void relative(String file, String path, Violations out) {
        if (file == null || file.isEmpty() || file.startsWith("/") || file.indexOf('\0') >= 0
                || List.of(file.split("/")).contains("..")) {
            out.add(path, "must be a relative path inside the volume without '..', e.g. boot/vmlinuz");
        }
    }
}
