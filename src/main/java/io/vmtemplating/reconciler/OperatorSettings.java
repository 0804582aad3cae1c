package io.vmtemplating.reconciler;

import io.vmtemplating.webhook.BootFileDirs;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The operator's own settings (application.properties keys under {@code vmt.}, see README "Install on a cluster" and docs/operations.md).
 *
 * @param launcherImage            image of every template, clone and cleanup pod: the cluster admin's choice only
 * @param templateOverheadMiB      pod memory above the guest for QEMU and the launcher JVM while building
 * @param cloneOverheadMiB         pod memory above the clone's private pages (QEMU + TCG/KVM + launcher). 96 MiB:
 *                                 twice what a clone pod's cgroup peaked at on a real kubelet (42 MiB, while the
 *                                 restoring JVM and QEMU overlap), four times its steady state with the clone keeper
 *                                 (24–25 MiB); 160 while a JVM stayed for the clone's life (docs/operations.md)
 * @param defaultExpectedPrivateMiB a clone's expected private memory when its spec does not say
 * @param buildBackoffLimit        failed template builds before the template is Failed for good
 * @param buildBackoffBase         wait before the first rebuild; doubles per failure
 * @param statusRefresh            how often a running clone's memory figures are read
 * @param cleanupTimeout           how long a cleanup pod may stay unfinished before the files are given up
 * @param nodeLayout               host directories of template files
 * @param kvmDeviceResource        extended resource a device plugin on the nodes advertises for /dev/kvm (e.g.
 *                                 {@code devices.kubevirt.io/kvm}), requested by template and clone pods; empty: no
 *                                 /dev/kvm in any pod, QEMU runs TCG
 * @param bootFileDirs             node directories a boot file's hostPath may name (admission, pods, launcher)
 */
public record OperatorSettings(
        String launcherImage,
        long templateOverheadMiB,
        long cloneOverheadMiB,
        long defaultExpectedPrivateMiB,
        int buildBackoffLimit,
        Duration buildBackoffBase,
        Duration statusRefresh,
        Duration cleanupTimeout,
        NodeLayout nodeLayout,
        String kvmDeviceResource,
        BootFileDirs bootFileDirs) {

    public static final OperatorSettings DEFAULTS = new OperatorSettings("vm-templating-operator:0.1.0", 256, 96, 64, 3,
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(5), NodeLayout.DEFAULT, "", BootFileDirs.DEFAULT);

    /** An extended resource name as the API server accepts one in a pod: a domain, a slash, a name. */
    private static final Pattern EXTENDED_RESOURCE =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

    public OperatorSettings {
        if (!kvmDeviceResource.isEmpty() && (!EXTENDED_RESOURCE.matcher(kvmDeviceResource).matches()
                || kvmDeviceResource.startsWith("kubernetes.io/"))) {
            throw new IllegalArgumentException("vmt.kvm-device-resource: '" + kvmDeviceResource + "' is not an extended"
                    + " resource name (domain/name); set the one a device plugin on the nodes advertises for /dev/kvm,"
                    + " e.g. devices.kubevirt.io/kvm, or leave it empty for TCG");
        }
    }

    /** Whether template and clone pods get /dev/kvm (through the device plugin's resource). */
    public boolean kvm() {
        return !kvmDeviceResource.isEmpty();
    }

    /** Wait before rebuild number {@code failures + 1}: base, 2x base, 4x base ... capped at 5 minutes. */
    public Duration backoffAfter(int failures) {
        long factor = 1L << Math.min(Math.max(failures - 1, 0), 10);
        Duration wait = buildBackoffBase.multipliedBy(factor);
        return wait.compareTo(Duration.ofMinutes(5)) > 0 ? Duration.ofMinutes(5) : wait;
    }
}
