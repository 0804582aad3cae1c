package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.vmtemplating.api.v1alpha1.types.BootSpec;
import io.vmtemplating.api.v1alpha1.types.FileSource;
import io.vmtemplating.launcher.PodContract;
import io.vmtemplating.webhook.BootFileDirs;
import java.util.ArrayList;
import java.util.List;

/**
 * The template's boot files as read-only pod volumes, mounted where the launcher looks for them. A hostPath file comes
 * with its whole allowed directory, never as a single-file mount: the kubelet would follow a symbolic link on the
 * host when it mounts the file, while inside the directory the launcher resolves the link itself and refuses one that
 * leaves it (docs/security.md).
 */
final class BootVolumes {
    private final List<Volume> volumes = new ArrayList<>();
    private final List<VolumeMount> mounts = new ArrayList<>();
    private final BootFileDirs dirs;

    BootVolumes(BootSpec boot, BootFileDirs dirs) {
        this.dirs = dirs;
        add("kernel", boot.kernel());
        add("initrd", boot.initrd());
        if (boot.disk() != null) {
            add("disk", boot.disk().source());
        }
    }

    List<Volume> volumes() {
        return volumes;
    }

    List<VolumeMount> mounts() {
        return mounts;
    }

    private void add(String role, FileSource source) {
        if (source == null) {
            return;
        }
        String volumeName = "boot-" + role;
        VolumeBuilder volume = new VolumeBuilder().withName(volumeName);
        if (source.hostPath() != null) {
            // admission and the reconciler's own validation refused a file outside the allowed directories
            String dir = dirs.containing(source.hostPath().path()).orElseThrow(() -> new IllegalArgumentException(
                    "spec.boot." + role + ".hostPath.path: not inside " + BootFileDirs.SETTING));
            volume.withNewHostPath().withPath(dir).withType("Directory").endHostPath();
        } else if (source.persistentVolumeClaim() != null) {
            volume.withNewPersistentVolumeClaim()
                    .withClaimName(source.persistentVolumeClaim().claimName()).withReadOnly(true)
                    .endPersistentVolumeClaim();
        } else if (source.image() != null) {
            volume.withNewImage().withReference(source.image().reference()).withPullPolicy("IfNotPresent").endImage();
        } else {
            throw new IllegalArgumentException("spec.boot." + role + ": set one of hostPath, persistentVolumeClaim or image");
        }
        volumes.add(volume.build());
        mounts.add(new VolumeMountBuilder().withName(volumeName)
                .withMountPath(PodContract.BOOT_DIR + "/" + role).withReadOnly(true).build());
    }
}
