package io.vmtemplating.reconciler;

import io.vmtemplating.api.v1alpha1.VmTemplate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.vmtemplating.api.v1alpha1.types.MemoryBackend;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The pods LauncherPods builds: what runs, as whom, with which node files (docs/security.md). */
class LauncherPodsTest {
    private static final String NS = "vms";
    private static final SamplePods.Set PODS = SamplePods.build(OperatorSettings.DEFAULTS, NS);
    private static final NodeLayout LAYOUT = NodeLayout.DEFAULT;

    @Test
    void everyPodRunsTheOperatorsLauncherImage() {
        for (Pod pod : PODS.all()) {
            assertEquals(List.of(OperatorSettings.DEFAULTS.launcherImage()), images(pod), pod.getMetadata().getName());
        }
    }

    @Test
    void noPodHasACapabilityPrivilegeOrWritableImageAndOnlyTheWritersAreRoot() {
        for (Pod pod : PODS.all()) {
            String name = pod.getMetadata().getName();
            // template and cleanup pods write root-owned node directories; clones only read 0444 files
            List<Object> user = pod == PODS.clonePod() ? List.of(1001L, 1001L, true) : List.of(0L, 0L, false);
            var podContext = pod.getSpec().getSecurityContext();
            assertEquals(user, List.of(podContext.getRunAsUser(), podContext.getRunAsGroup(), podContext.getRunAsNonRoot()), name);
            assertEquals("RuntimeDefault", podContext.getSeccompProfile().getType(), name);
            assertEquals(null, podContext.getFsGroup(), name);
            var context = container(pod).getSecurityContext();
            assertEquals(List.of(false, false, true), List.of(context.getPrivileged(), context.getAllowPrivilegeEscalation(),
                    context.getReadOnlyRootFilesystem()), name);
            assertEquals(List.of("ALL"), context.getCapabilities().getDrop(), name);
            assertEquals(List.of(), context.getCapabilities().getAdd(), name);
        }
    }

    /** A read-only root file system: the launcher writes only where a volume is mounted writable. */
    @Test
    void writableMountsAreTheOnesTheLauncherWritesTo() {
        assertEquals(Set.of("/vmt/state", "/vmt/memory", "/vmt/run", "/tmp"), writable(PODS.templatePod()));
        assertEquals(Set.of("/vmt/run", "/tmp"), writable(PODS.clonePod()));
        assertEquals(Set.of("/vmt/state", "/vmt/memory", "/tmp"), writable(PODS.cleanupPod()));
    }

    @Test
    void theCleanupPodMountsOnlyItsTemplatesOwnDirectories() {
        String uid = SamplePods.TEMPLATE_UID;
        Map<String, String> expected = new TreeMap<>(Map.of(
                "/vmt/state", LAYOUT.stateDir(uid), "/vmt/memory", LAYOUT.memoryDir(uid, MemoryBackend.TMPFS)));
        assertEquals(expected, hostPathMounts(PODS.cleanupPod()));
        // the same directories the template pod wrote, under the same in-pod paths
        assertEquals(expected, hostPathMounts(PODS.templatePod()).entrySet().stream()
                .filter(e -> !e.getKey().startsWith("/vmt/boot"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new)));
    }

    /**
     * Issue 15, item 4: a boot file's whole allowed directory is mounted read-only, never the file alone (the kubelet
     * would follow a link on the host), and the pod tells the launcher the allow-list it checks the links against.
     */
    @Test
    void bootFilesComeWithTheirAllowedDirectoryAndTheAllowListReachesTheLauncher() {
        for (Pod pod : List.of(PODS.templatePod(), PODS.clonePod())) {
            String name = pod.getMetadata().getName();
            Map<String, String> boot = hostPathMounts(pod).entrySet().stream().filter(e -> e.getKey().startsWith("/vmt/boot"))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
            assertEquals(Map.of("/vmt/boot/kernel", "/var/lib/vmtemplating/guest", "/vmt/boot/initrd", "/var/lib/vmtemplating/guest"),
                    boot, name);
            assertEquals(Set.of("Directory"), pod.getSpec().getVolumes().stream()
                    .filter(v -> v.getName().startsWith("boot-")).map(v -> v.getHostPath().getType()).collect(Collectors.toSet()), name);
            assertEquals(Set.of(true), container(pod).getVolumeMounts().stream().filter(m -> m.getMountPath().startsWith("/vmt/boot"))
                    .map(VolumeMount::getReadOnly).collect(Collectors.toSet()), name);
            assertEquals(List.of("/var/lib/vmtemplating/guest"), container(pod).getEnv().stream()
                    .filter(e -> e.getName().equals("VMT_BOOT_FILE_DIRS")).map(e -> e.getValue()).toList(), name);
        }
    }

    /** README: a pool member's guest runs until idle once restored; a clone's, or a claim's cold one, is never run early. */
    @Test
    void onlyPoolMembersWarmUpTheirGuest() {
        VmTemplate template = SamplePods.template(NS);
        io.vmtemplating.api.v1alpha1.VmClonePool pool = io.fabric8.kubernetes.client.utils.Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClonePool
                metadata: {name: warm, namespace: vms, uid: 0b6c2f7e-1d3a-4c5b-8e9f-a0b1c2d3e4f5}
                spec: {templateRef: {name: demo}, replicas: 2}
                """, io.vmtemplating.api.v1alpha1.VmClonePool.class);
        io.vmtemplating.api.v1alpha1.VmClone claim = io.fabric8.kubernetes.client.utils.Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClone
                metadata: {name: c, namespace: vms, uid: 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9}
                spec: {poolRef: {name: warm}}
                """, io.vmtemplating.api.v1alpha1.VmClone.class);
        LauncherPods pods = new LauncherPods(OperatorSettings.DEFAULTS);
        assertEquals(List.of("true"), warmUp(pods.poolMemberPod(pool, template, "warm-abcde")));
        assertEquals(List.of(), warmUp(pods.coldClaimPod(claim, pool, template)));
        assertEquals(List.of(), warmUp(PODS.clonePod()));
    }

    private static List<String> warmUp(Pod pod) {
        return container(pod).getEnv().stream().filter(e -> e.getName().equals(io.vmtemplating.launcher.PodContract.ENV_WARM_UP))
                .map(e -> e.getValue()).toList();
    }

    @Test
    void kvmOnlyAsTheConfiguredDeviceResourceAndNeverForTheCleanup() {
        for (Pod pod : PODS.all()) {
            assertEquals(Set.of(), deviceResources(pod), pod.getMetadata().getName());
        }
        SamplePods.Set kvm = SamplePods.build(kvmSettings("devices.kubevirt.io/kvm"), NS);
        for (Pod pod : List.of(kvm.templatePod(), kvm.clonePod())) {
            var resources = container(pod).getResources();
            assertEquals(new Quantity("1"), resources.getLimits().get("devices.kubevirt.io/kvm"), pod.getMetadata().getName());
            assertEquals(new Quantity("1"), resources.getRequests().get("devices.kubevirt.io/kvm"), pod.getMetadata().getName());
        }
        assertEquals(Set.of(), deviceResources(kvm.cleanupPod()));
        // no hostPath device node either way: it would not open in a non-privileged container
        assertEquals(hostPathMounts(PODS.templatePod()), hostPathMounts(kvm.templatePod()));
    }

    @Test
    void aKvmSettingThatIsNoResourceNameSaysWhatToSet() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> kvmSettings("/dev/kvm"));
        assertEquals("vmt.kvm-device-resource: '/dev/kvm' is not an extended resource name (domain/name); set the one a"
                + " device plugin on the nodes advertises for /dev/kvm, e.g. devices.kubevirt.io/kvm, or leave it empty for"
                + " TCG", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> kvmSettings("kvm"));
        assertThrows(IllegalArgumentException.class, () -> kvmSettings("kubernetes.io/kvm"));
    }

    private static OperatorSettings kvmSettings(String resource) {
        OperatorSettings d = OperatorSettings.DEFAULTS;
        return new OperatorSettings(d.launcherImage(), d.templateOverheadMiB(), d.cloneOverheadMiB(),
                d.defaultExpectedPrivateMiB(), d.buildBackoffLimit(), d.buildBackoffBase(), Duration.ofSeconds(30),
                d.cleanupTimeout(), d.nodeLayout(), resource, d.bootFileDirs());
    }

    private static Container container(Pod pod) {
        assertEquals(1, pod.getSpec().getContainers().size());
        return pod.getSpec().getContainers().get(0);
    }

    private static List<String> images(Pod pod) {
        return pod.getSpec().getContainers().stream().map(Container::getImage).toList();
    }

    private static Set<String> writable(Pod pod) {
        return container(pod).getVolumeMounts().stream().filter(m -> !Boolean.TRUE.equals(m.getReadOnly()))
                .map(VolumeMount::getMountPath).collect(Collectors.toCollection(TreeSet::new));
    }

    /** In-pod path → node path of every hostPath mount. */
    private static Map<String, String> hostPathMounts(Pod pod) {
        Map<String, String> hostPaths = pod.getSpec().getVolumes().stream().filter(v -> v.getHostPath() != null)
                .collect(Collectors.toMap(Volume::getName, v -> v.getHostPath().getPath()));
        Map<String, String> mounts = new TreeMap<>();
        container(pod).getVolumeMounts().stream().filter(m -> hostPaths.containsKey(m.getName()))
                .forEach(m -> mounts.put(m.getMountPath(), hostPaths.get(m.getName())));
        return mounts;
    }

    private static Set<String> deviceResources(Pod pod) {
        var resources = container(pod).getResources();
        Set<String> names = new TreeSet<>(resources.getLimits().keySet());
        names.addAll(resources.getRequests().keySet());
        names.removeIf(n -> n.equals("memory") || n.equals("cpu") || n.startsWith("hugepages-"));
        return names;
    }
}
