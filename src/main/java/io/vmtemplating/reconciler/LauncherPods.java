package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmClonePool;
import io.vmtemplating.api.v1alpha1.VmCloneSpec;
import io.vmtemplating.webhook.PoolMemberSpec;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.VmTemplateSpec;
import io.vmtemplating.api.v1alpha1.types.HugePageSize;
import io.vmtemplating.api.v1alpha1.types.MemoryBackend;
import io.vmtemplating.api.v1alpha1.types.PlacementSpec;
import io.vmtemplating.api.v1alpha1.types.PortForward;
import io.vmtemplating.api.v1alpha1.types.PortProtocol;
import io.vmtemplating.launcher.PodContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Desired launcher pods: pure functions of the custom resources and the operator's settings. */
public final class LauncherPods {
    private final OperatorSettings settings;

    public LauncherPods(OperatorSettings settings) {
        this.settings = settings;
    }

    /** The pod that boots and freezes a template with one copy (one per build attempt). */
    public Pod templatePod(VmTemplate template, int attempt) {
        return templatePod(template, 0, attempt, java.util.Set.of());
    }

    /**
     * The pod that boots and freezes one copy of a template (one per build attempt), on a node the template's placement
     * allows and that holds no other copy: {@code otherCopies} are excluded, and builds of the same template repel
     * each other while none has a node yet (docs/placement.md).
     */
    public Pod templatePod(VmTemplate template, int copy, int attempt, java.util.Set<String> otherCopies) {
        VmTemplateSpec spec = template.getSpec();
        String uid = template.getMetadata().getUid();
        MemoryBackend backend = MemorySizes.backend(spec);
        BootVolumes boot = new BootVolumes(spec.boot(), settings.bootFileDirs());

        List<Volume> volumes = new ArrayList<>(templateDirectories(uid, backend));
        volumes.add(runVolume());
        volumes.add(LauncherSecurity.tmpVolume());
        volumes.add(tokenVolume());
        volumes.addAll(boot.volumes());
        List<VolumeMount> mounts = new ArrayList<>(templateDirectoryMounts(false));
        mounts.add(mount(TOKEN_VOLUME, PodContract.TOKEN_DIR, true));
        mounts.addAll(boot.mounts());

        Container container = launcherContainer(PodContract.MODE_TEMPLATE, mounts,
                templateResources(spec), List.of(httpPort()));
        container.getEnv().add(env(PodContract.ENV_TEMPLATE_SPEC, Serialization.asJson(spec)));

        PlacementSpec placement = Optional.ofNullable(spec.placement()).orElse(new PlacementSpec(null, null, null));
        return new PodBuilder()
                .withNewMetadata()
                    .withName(VmResources.templatePodName(template, copy, attempt))
                    .withNamespace(template.getMetadata().getNamespace())
                    .withLabels(VmResources.templatePodLabels(template, copy, attempt))
                    .withOwnerReferences(ownerReference(template))
                .endMetadata()
                .withNewSpec()
                    .withRestartPolicy("Never")
                    // launcher and cleanup never call the API server: no token in the pod for anyone to take
                    .withAutomountServiceAccountToken(false)
                    .withSecurityContext(LauncherSecurity.writingPod())
                    .withNodeSelector(placement.nodeSelector())
                    .withTolerations(placement.tolerations())
                    .withAffinity(PlacementAffinity.forCopy(placement, uid, otherCopies))
                    .withContainers(container)
                    .withVolumes(volumes)
                .endSpec()
                .build();
    }

    /** The pod that restores one clone, pinned to the template's node with the template's files read-only. */
    public Pod clonePod(VmClone clone, VmTemplate template) {
        return restorePod(VmResources.clonePodName(clone), VmResources.clonePodLabels(clone, template), ownerReference(clone),
                clone.getSpec(), template);
    }

    /**
     * A pool's warm member: a clone of the pool's template with the pool's settings, restored paused and owned by the
     * pool until a claim adopts it.
     */
    public Pod poolMemberPod(VmClonePool pool, VmTemplate template, String podName) {
        Pod pod = restorePod(podName, VmResources.poolMemberLabels(pool, template), ownerReference(pool),
                PoolMemberSpec.of(pool.getSpec(), false), template);
        // restored paused, its guest runs until idle and is paused again before the member is Ready (GuestWarmUp)
        pod.getSpec().getContainers().get(0).getEnv().add(env(PodContract.ENV_WARM_UP, "true"));
        return pod;
    }

    /** A claim's cold path: the pod a warm member would have been (the pool's settings), made for the claim. */
    public Pod coldClaimPod(VmClone claim, VmClonePool pool, VmTemplate template) {
        return restorePod(VmResources.clonePodName(claim), VmResources.clonePodLabels(claim, template), ownerReference(claim),
                PoolMemberSpec.of(pool.getSpec(), claim.getSpec().running()), template);
    }

    private Pod restorePod(String podName, Map<String, String> labels, io.fabric8.kubernetes.api.model.OwnerReference owner,
            VmCloneSpec cloneSpec, VmTemplate template) {
        VmTemplateSpec spec = template.getSpec();
        String uid = template.getMetadata().getUid();
        BootVolumes boot = new BootVolumes(spec.boot(), settings.bootFileDirs());

        // DirectoryOrCreate for clones too: after a node reboot wiped tmpfs, the launcher starts, finds no template
        // files and says so (TemplateFilesMissing) instead of the pod hanging in ContainerCreating
        List<Volume> volumes = new ArrayList<>(templateDirectories(uid, MemorySizes.backend(spec)));
        volumes.add(runVolume());
        volumes.add(LauncherSecurity.tmpVolume());
        volumes.add(tokenVolume());
        volumes.addAll(boot.volumes());
        List<VolumeMount> mounts = new ArrayList<>(templateDirectoryMounts(true));
        mounts.add(mount(TOKEN_VOLUME, PodContract.TOKEN_DIR, true));
        mounts.addAll(boot.mounts());

        List<ContainerPort> ports = new ArrayList<>();
        ports.add(httpPort());
        Optional.ofNullable(cloneSpec.portForwards()).orElse(List.of()).forEach(f -> ports.add(forwardedPort(f)));

        Container container = launcherContainer(PodContract.MODE_CLONE, mounts, cloneResources(cloneSpec, spec), ports);
        container.getEnv().add(env(PodContract.ENV_TEMPLATE_SPEC, Serialization.asJson(spec)));
        container.getEnv().add(env(PodContract.ENV_CLONE_SPEC, Serialization.asJson(cloneSpec)));
        container.getEnv().add(env(PodContract.ENV_TEMPLATE_UID, uid));

        PlacementSpec placement = Optional.ofNullable(spec.placement()).orElse(new PlacementSpec(null, null, null));
        boolean pinned = PlacementSpec.copiesOf(placement) == 1
                && (cloneSpec.nodeSelector() == null || cloneSpec.nodeSelector().isEmpty());
        return new PodBuilder()
                .withNewMetadata()
                    .withName(podName)
                    .withNamespace(template.getMetadata().getNamespace())
                    .withLabels(labels)
                    .withOwnerReferences(owner)
                .endMetadata()
                .withNewSpec()
                    .withRestartPolicy("Never")
                    // launcher and cleanup never call the API server: no token in the pod for anyone to take
                    .withAutomountServiceAccountToken(false)
                    .withSecurityContext(LauncherSecurity.clonePod())
                    // one copy and no wish of the clone's: its node is known, no scheduling needed (the measured path)
                    .withNodeName(pinned ? template.getStatus().nodeName() : null)
                    // else the scheduler picks among the nodes with a Ready copy, spreading the template's clones
                    .withNodeSelector(cloneSpec.nodeSelector())
                    .withAffinity(pinned ? null : PlacementAffinity.onReadyCopies(TemplateCopies.readyNodes(template.getStatus())))
                    .withTopologySpreadConstraints(pinned ? List.of() : List.of(PlacementAffinity.spreadClones(uid)))
                    .withTolerations(placement.tolerations())
                    .withContainers(container)
                    .withVolumes(volumes)
                .endSpec()
                .build();
    }

    /**
     * The pod that empties a deleted template's directories on its node. It mounts those two directories and
     * nothing else, so it cannot reach another template's files; a mount point cannot remove itself, so the empty
     * directories stay (docs/security.md).
     */
    public Pod cleanupPod(VmTemplate template, String nodeName) {
        return cleanupPod(template, nodeName, 0);
    }

    /** The cleanup pod of the {@code index}-th node holding the template's files. */
    public Pod cleanupPod(VmTemplate template, String nodeName, int index) {
        return cleanupPod(template, nodeName, VmResources.cleanupPodName(template, index));
    }

    /** A pod on {@code nodeName} that removes the template's files there. */
    public Pod cleanupPod(VmTemplate template, String nodeName, String podName) {
        String uid = template.getMetadata().getUid();
        List<Volume> volumes = new ArrayList<>(templateDirectories(uid, MemorySizes.backend(template.getSpec())));
        volumes.add(LauncherSecurity.tmpVolume());
        List<VolumeMount> mounts = List.of(
                mount("template-state", PodContract.STATE_DIR, false),
                mount("template-memory", PodContract.MEMORY_DIR, false),
                LauncherSecurity.tmpMount());
        Container container = new ContainerBuilder()
                .withName(VmResources.CONTAINER_NAME)
                .withImage(settings.launcherImage())
                .withArgs(PodContract.ARG_LAUNCHER, PodContract.MODE_CLEANUP)
                .withEnv(env(PodContract.ENV_TEMPLATE_UID, uid))
                .withVolumeMounts(mounts)
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withSecurityContext(LauncherSecurity.container())
                .withResources(new ResourceRequirementsBuilder()
                        .withRequests(Map.of("memory", mebi(64)))
                        .withLimits(Map.of("memory", mebi(128))).build())
                .build();
        PlacementSpec placement = Optional.ofNullable(template.getSpec().placement()).orElse(new PlacementSpec(null, null, null));
        return new PodBuilder()
                .withNewMetadata()
                    .withName(podName)
                    .withNamespace(template.getMetadata().getNamespace())
                    .withLabels(VmResources.cleanupPodLabels(template))
                    .withOwnerReferences(ownerReference(template))
                .endMetadata()
                .withNewSpec()
                    .withRestartPolicy("Never")
                    // launcher and cleanup never call the API server: no token in the pod for anyone to take
                    .withAutomountServiceAccountToken(false)
                    .withSecurityContext(LauncherSecurity.writingPod())
                    .withNodeName(nodeName)
                    .withTolerations(placement.tolerations())
                    .withContainers(container)
                    .withVolumes(volumes)
                .endSpec()
                .build();
    }

    private Container launcherContainer(String mode, List<VolumeMount> mounts,
            ResourceRequirements resources, List<ContainerPort> ports) {
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVarBuilder().withName(PodContract.ENV_POD_IP)
                .withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP").endFieldRef().endValueFrom().build());
        // the launcher checks boot files against the same allow-list as admission did, symbolic links resolved
        env.add(env(PodContract.ENV_BOOT_FILE_DIRS, settings.bootFileDirs().commaSeparated()));
        return new ContainerBuilder()
                .withName(VmResources.CONTAINER_NAME)
                .withImage(settings.launcherImage())
                .withArgs(PodContract.ARG_LAUNCHER, mode)
                .withEnv(env)
                .withPorts(ports)
                .withVolumeMounts(mounts)
                .withResources(resources)
                // the launcher writes a JSON result; if it dies before that, the log tail explains why
                .withTerminationMessagePath(PodContract.TERMINATION_MESSAGE_PATH)
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withNewReadinessProbe()
                    .withNewHttpGet().withPath(PodContract.PATH_HEALTHZ).withNewPort(PodContract.HTTP_PORT).endHttpGet()
                    .withPeriodSeconds(1)
                .endReadinessProbe()
                .withSecurityContext(LauncherSecurity.container())
                .build();
    }

    /** Template pods pay for the whole guest: tmpfs pages they write are charged to their memory cgroup. */
    private ResourceRequirements templateResources(VmTemplateSpec spec) {
        long guest = MemorySizes.guestMiB(spec);
        Optional<HugePageSize> pageSize = MemorySizes.hugePageSize(spec);
        long memory = settings.templateOverheadMiB() + (pageSize.isPresent() ? 0 : guest);
        ResourceRequirementsBuilder resources = new ResourceRequirementsBuilder()
                .addToRequests("memory", mebi(memory)).addToLimits("memory", mebi(memory));
        pageSize.ifPresent(size -> {
            // Kubernetes requires hugepages request == limit
            resources.addToRequests(hugePagesResource(size), mebi(guest));
            resources.addToLimits(hugePagesResource(size), mebi(guest));
        });
        addKvmDevice(resources);
        return resources.build();
    }

    /**
     * Clone pods request what they are expected to write (shared template pages are charged to the template);
     * the limit covers the whole guest, so a clone that writes everything is still bounded.
     */
    private ResourceRequirements cloneResources(VmCloneSpec clone, VmTemplateSpec spec) {
        long guest = MemorySizes.guestMiB(spec);
        long expectedPrivate = Optional.ofNullable(clone.memory())
                .map(m -> m.expectedPrivate()).map(MemorySizes::mebibytes)
                .orElse(settings.defaultExpectedPrivateMiB());
        long hotplug = Optional.ofNullable(clone.virtioMem())
                .map(v -> MemorySizes.mebibytes(v.requestedSize())).orElse(0L);
        Optional<HugePageSize> pageSize = MemorySizes.hugePageSize(spec);
        long overhead = settings.cloneOverheadMiB();
        ResourceRequirementsBuilder resources = new ResourceRequirementsBuilder();
        if (pageSize.isPresent()) {
            // copy-on-write copies whole huge pages from the node's free pool, outside the memory cgroup
            resources.addToRequests("memory", mebi(overhead + hotplug)).addToLimits("memory", mebi(overhead + hotplug));
            resources.addToRequests(hugePagesResource(pageSize.get()), mebi(guest));
            resources.addToLimits(hugePagesResource(pageSize.get()), mebi(guest));
        } else {
            resources.addToRequests("memory", mebi(Math.min(expectedPrivate, guest) + hotplug + overhead));
            resources.addToLimits("memory", mebi(guest + hotplug + overhead));
        }
        // a clone runs on the accelerator its template was frozen on: both follow the same setting
        addKvmDevice(resources);
        return resources.build();
    }

    /**
     * /dev/kvm reaches a non-privileged container only as a device plugin's resource: the runtime then adds the device
     * node and its device-cgroup rule; a hostPath device node would open with EPERM (docs/security.md).
     */
    private void addKvmDevice(ResourceRequirementsBuilder resources) {
        if (settings.kvm()) {
            resources.addToRequests(settings.kvmDeviceResource(), new Quantity("1"));
            resources.addToLimits(settings.kvmDeviceResource(), new Quantity("1"));
        }
    }

    private List<Volume> templateDirectories(String uid, MemoryBackend backend) {
        NodeLayout layout = settings.nodeLayout();
        return List.of(
                hostDirectory("template-state", layout.stateDir(uid), "DirectoryOrCreate"),
                hostDirectory("template-memory", layout.memoryDir(uid, backend), "DirectoryOrCreate"));
    }

    private static List<VolumeMount> templateDirectoryMounts(boolean readOnly) {
        return List.of(
                mount("template-state", PodContract.STATE_DIR, readOnly),
                mount("template-memory", PodContract.MEMORY_DIR, readOnly),
                mount("run", PodContract.RUN_DIR, false),
                LauncherSecurity.tmpMount());
    }

    private static final String TOKEN_VOLUME = "launcher-token";

    /**
     * The namespace's launcher token (LauncherTokens makes the Secret before the first pod): readable by the launcher
     * whatever its uid (clones run as 1001 without fsGroup), and by nothing else in the pod, which runs nothing else.
     */
    private static Volume tokenVolume() {
        return new VolumeBuilder().withName(TOKEN_VOLUME).withNewSecret().withSecretName(PodContract.TOKEN_SECRET)
                .addNewItem().withKey(PodContract.TOKEN_KEY).withPath(PodContract.TOKEN_KEY).endItem()
                .withDefaultMode(0444).withOptional(false).endSecret().build();
    }

    private static Volume runVolume() {
        return new VolumeBuilder().withName("run").withNewEmptyDir().endEmptyDir().build();
    }

    private static Volume hostDirectory(String name, String path, String type) {
        return new VolumeBuilder().withName(name).withNewHostPath().withPath(path).withType(type).endHostPath().build();
    }

    private static VolumeMount mount(String name, String path, boolean readOnly) {
        return new VolumeMountBuilder().withName(name).withMountPath(path).withReadOnly(readOnly).build();
    }

    private static ContainerPort httpPort() {
        return new ContainerPortBuilder().withName("http").withContainerPort(PodContract.HTTP_PORT).build();
    }

    private static ContainerPort forwardedPort(PortForward forward) {
        String protocol = forward.protocol() == PortProtocol.UDP ? "UDP" : "TCP";
        return new ContainerPortBuilder().withContainerPort(forward.podPort()).withProtocol(protocol).build();
    }

    private static String hugePagesResource(HugePageSize size) {
        return size == HugePageSize.SIZE_1GI ? "hugepages-1Gi" : "hugepages-2Mi";
    }

    private static EnvVar env(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    private static Quantity mebi(long mebibytes) {
        return new Quantity(mebibytes + "Mi");
    }

    private static io.fabric8.kubernetes.api.model.OwnerReference ownerReference(HasMetadata owner) {
        return new OwnerReferenceBuilder()
                .withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
                .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true)
                .build();
    }
}
