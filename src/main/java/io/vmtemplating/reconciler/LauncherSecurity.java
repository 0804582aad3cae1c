package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

/**
 * What every launcher and cleanup pod may do on its node: no privilege, no capability, the runtime's default seccomp
 * profile, a read-only root file system; root only where a pod writes node directories. Why each choice, and what it
 * leaves open: docs/security.md.
 */
final class LauncherSecurity {
    /** The JDK's java.io.tmpdir: crash reports (hs_err) and jcmd's attach socket go there, on a read-only root too. */
    static final String TMP_VOLUME = "tmp";
    private static final String TMP_DIR = "/tmp";

    private LauncherSecurity() {
    }

    /**
     * The image's own user (src/main/docker/Dockerfile: useradd --uid 1001 vmt) and its group, for clone pods. A clone
     * only reads its template's files, which the freeze left 0444 (qemu.TemplateFreezer) in 0755 directories, and
     * writes only to its emptyDirs (0777): any uid will do, and none needs to own a node directory.
     */
    static final long CLONE_USER = 1001L;

    /**
     * Template and cleanup pods: root (uid 0) with no capability. They write their template's node directories, which
     * hostPath DirectoryOrCreate makes root-owned 0755, writable by their owner only, and nothing here could chown
     * them for another user (no init container on the local node, no privileged helper; fsGroup never applies to
     * hostPath). Their owner, uid 0, needs no CAP_DAC_OVERRIDE to write them; every capability is dropped
     * (container()).
     */
    static PodSecurityContext writingPod() {
        return new PodSecurityContextBuilder()
                .withRunAsUser(0L)
                .withRunAsGroup(0L)
                .withRunAsNonRoot(false)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build();
    }

    /** Clone pods: not root (see {@link #CLONE_USER}); no fsGroup, as no volume needs its group changed. */
    static PodSecurityContext clonePod() {
        return new PodSecurityContextBuilder()
                .withRunAsUser(CLONE_USER)
                .withRunAsGroup(CLONE_USER)
                .withRunAsNonRoot(true)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build();
    }

    /** QEMU (TCG or KVM, user-mode network, memory files, QMP sockets) and the JVM need no capability at all. */
    static SecurityContext container() {
        return new SecurityContextBuilder()
                .withPrivileged(false)
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .build();
    }

    static Volume tmpVolume() {
        return new VolumeBuilder().withName(TMP_VOLUME)
                .withNewEmptyDir().withSizeLimit(new Quantity("64Mi")).endEmptyDir().build();
    }

    static VolumeMount tmpMount() {
        return new VolumeMountBuilder().withName(TMP_VOLUME).withMountPath(TMP_DIR).build();
    }
}
