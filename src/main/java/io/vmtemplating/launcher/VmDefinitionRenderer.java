package io.vmtemplating.launcher;

import io.vmtemplating.api.v1alpha1.VmCloneSpec;
import io.vmtemplating.api.v1alpha1.VmTemplateSpec;
import io.vmtemplating.api.v1alpha1.types.BalloonSpec;
import io.vmtemplating.api.v1alpha1.types.BootSpec;
import io.vmtemplating.api.v1alpha1.types.DevicesSpec;
import io.vmtemplating.api.v1alpha1.types.DiskFormat;
import io.vmtemplating.api.v1alpha1.types.FreezeSpec;
import io.vmtemplating.api.v1alpha1.types.FreezeTrigger;
import io.vmtemplating.api.v1alpha1.types.MemoryBackend;
import io.vmtemplating.api.v1alpha1.types.MemorySpec;
import io.vmtemplating.api.v1alpha1.types.NetworkMode;
import io.vmtemplating.api.v1alpha1.types.NumaNode;
import io.vmtemplating.api.v1alpha1.types.PortForward;
import io.vmtemplating.api.v1alpha1.types.PortProtocol;
import io.vmtemplating.api.v1alpha1.types.VirtioMemSpec;
import io.vmtemplating.qemu.CloneAdditions;
import io.vmtemplating.webhook.BootFileDirs;
import io.vmtemplating.qemu.MemoryBackendKind;
import io.vmtemplating.qemu.VmDefinition;
import io.vmtemplating.api.v1alpha1.types.Quantities;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Pure: the API spec (nulls mean the CRD defaults) → the QEMU layer's values. Boot files map to their in-pod paths
 * ({@link BootFileLocation}) resolved through {@link PodPaths}. Anything it refuses is an
 * {@link InvalidSpecException} naming the field.
 */
public final class VmDefinitionRenderer {
    /** The qemu-guest-agent chardev, in the instance's run directory (VmShape treats the run dir as a placeholder). */
    public static final String GUEST_AGENT_SOCKET = "qga.sock";

    private VmDefinitionRenderer() {
    }

    /** @param bootFileDirs the node directories boot files may come from (the pod's {@link PodContract#ENV_BOOT_FILE_DIRS}) */
    public static VmDefinition render(VmTemplateSpec spec, PodPaths paths, BootFileDirs bootFileDirs) {
        MemorySpec memory = require(spec.memory(), "spec.memory");
        long memoryMiB = mebibytes("spec.memory.size", require(memory.size(), "spec.memory.size"));
        MemoryBackendKind backend = memory.backend() == MemoryBackend.HUGETLBFS ? MemoryBackendKind.HUGETLBFS : MemoryBackendKind.TMPFS;
        long hugePageKiB = 0;
        if (backend == MemoryBackendKind.HUGETLBFS) {
            hugePageKiB = require(memory.hugePageSize(), "spec.memory.hugePageSize").mebibytes() * 1024;
        }
        List<Long> numaNodesMiB = new ArrayList<>();
        List<NumaNode> numaNodes = memory.numaNodes() == null ? List.of() : memory.numaNodes();
        for (int i = 0; i < numaNodes.size(); i++) {
            numaNodesMiB.add(mebibytes("spec.memory.numaNodes[" + i + "].size", numaNodes.get(i).size()));
        }
        if (!numaNodesMiB.isEmpty() && numaNodesMiB.stream().mapToLong(Long::longValue).sum() != memoryMiB) {
            throw new InvalidSpecException("spec.memory.numaNodes", "sizes add up to "
                    + numaNodesMiB.stream().mapToLong(Long::longValue).sum() + "Mi but spec.memory.size is " + memoryMiB + "Mi");
        }
        DevicesSpec devices = spec.devices() == null ? new DevicesSpec(null, null, null, null, null, null, null) : spec.devices();
        if (devices.vhostUser() != null && !devices.vhostUser().isEmpty()) {
            throw new InvalidSpecException("spec.devices.vhostUser", "vhost-user devices cannot be used with templating: remove them");
        }
        boolean userNat = devices.network() != null && devices.network().mode() == NetworkMode.USER;
        VmDefinition.Balloon balloon = balloon(devices.balloon());
        VmDefinition.VirtioMem virtioMem = virtioMem(devices.virtioMem());
        List<String> extraArgs = new ArrayList<>(spec.qemu() == null || spec.qemu().extraArgs() == null ? List.of() : spec.qemu().extraArgs());
        FreezeSpec freeze = spec.freeze();
        if (freeze != null && freeze.trigger() == FreezeTrigger.GuestAgent || spec.claimData() != null) {
            // the guest agent's channel exists only for this trigger and for claim data; clones render the same spec,
            // so their devices match
            String socket = paths.resolveString(PodContract.RUN_DIR) + "/" + GUEST_AGENT_SOCKET;
            extraArgs.addAll(List.of("-chardev", "socket,id=qga0,path=" + socket.replace(",", ",,") + ",server=on,wait=off",
                    "-device", "virtio-serial-pci,id=vmt-serial0", "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0"));
        }
        boolean serialConsole = !Boolean.FALSE.equals(devices.serialConsole());
        if (!serialConsole && freeze != null && Objects.requireNonNullElse(freeze.trigger(), FreezeTrigger.SerialConsole) == FreezeTrigger.SerialConsole) {
            throw new InvalidSpecException("spec.devices.serialConsole", "is false but freeze.trigger is SerialConsole, which reads the"
                    + " console; set serialConsole true or use another trigger (Delay, GuestAgent, Manual)");
        }
        List<String> capabilities = freeze == null || freeze.migrationCapabilities() == null ? List.of() : freeze.migrationCapabilities();
        return new VmDefinition(
                Objects.requireNonNullElse(spec.machine(), "q35"),
                Objects.requireNonNullElse(spec.cpus(), 1),
                memoryMiB, backend, hugePageKiB, numaNodesMiB,
                boot(require(spec.boot(), "spec.boot"), paths, bootFileDirs),
                new VmDefinition.Network(userNat), balloon, virtioMem,
                !Boolean.FALSE.equals(devices.vmgenid()), !Boolean.FALSE.equals(devices.rng()), serialConsole,
                extraArgs, capabilities);
    }

    public static FreezePlan freezePlan(VmTemplateSpec spec) {
        FreezeSpec freeze = require(spec.freeze(), "spec.freeze");
        FreezeTrigger trigger = Objects.requireNonNullElse(freeze.trigger(), FreezeTrigger.SerialConsole);
        Duration timeout = Duration.ofSeconds(Objects.requireNonNullElse(freeze.timeoutSeconds(), 600));
        if (timeout.isNegative() || timeout.isZero()) {
            throw new InvalidSpecException("spec.freeze.timeoutSeconds", "must be at least 1");
        }
        return switch (trigger) {
            case SerialConsole -> {
                String regex = require(freeze.serialConsolePattern(), "spec.freeze.serialConsolePattern");
                try {
                    yield new FreezePlan(trigger, Pattern.compile(regex), null, timeout);
                } catch (PatternSyntaxException e) {
                    throw new InvalidSpecException("spec.freeze.serialConsolePattern", "not a Java regular expression: "
                            + e.getDescription() + " near index " + e.getIndex());
                }
            }
            case Delay -> new FreezePlan(trigger, null, Duration.ofSeconds(require(freeze.delaySeconds(), "spec.freeze.delaySeconds")), timeout);
            case GuestAgent, Manual -> new FreezePlan(trigger, null, null, timeout);
        };
    }

    public static CloneAdditions additions(VmCloneSpec clone, VmDefinition template) {
        long virtioMemMiB = 0;
        if (clone.virtioMem() != null) {
            virtioMemMiB = mebibytes("spec.virtioMem.requestedSize", clone.virtioMem().requestedSize());
            if (template.virtioMem() == null) {
                throw new InvalidSpecException("spec.virtioMem", "the template has no devices.virtioMem: remove spec.virtioMem");
            }
            if (virtioMemMiB > template.virtioMem().sizeMiB()) {
                throw new InvalidSpecException("spec.virtioMem.requestedSize", virtioMemMiB + "Mi exceeds the template's devices.virtioMem.size "
                        + template.virtioMem().sizeMiB() + "Mi");
            }
        }
        List<CloneAdditions.PortForward> forwards = new ArrayList<>();
        List<PortForward> requested = clone.portForwards() == null ? List.of() : clone.portForwards();
        if (!requested.isEmpty() && !template.network().userNat()) {
            throw new InvalidSpecException("spec.portForwards", "needs the template's devices.network.mode user");
        }
        for (int i = 0; i < requested.size(); i++) {
            PortForward forward = requested.get(i);
            String field = "spec.portForwards[" + i + "]";
            forwards.add(new CloneAdditions.PortForward(forward.protocol() == PortProtocol.UDP ? "udp" : "tcp",
                    require(forward.podPort(), field + ".podPort"), require(forward.guestPort(), field + ".guestPort")));
        }
        if (clone.cpus() != null && clone.cpus() != template.cpus()) {
            throw new InvalidSpecException("spec.cpus", clone.cpus() + " differs from the template's " + template.cpus() + ": remove it or match");
        }
        if (clone.machine() != null && !clone.machine().equals(template.machine())) {
            throw new InvalidSpecException("spec.machine", clone.machine() + " differs from the template's " + template.machine());
        }
        if (clone.memory() != null && clone.memory().size() != null
                && mebibytes("spec.memory.size", clone.memory().size()) != template.memoryMiB()) {
            throw new InvalidSpecException("spec.memory.size", clone.memory().size() + " differs from the template's "
                    + template.memoryMiB() + "Mi: a clone needs exactly its template's memory");
        }
        return new CloneAdditions(virtioMemMiB, forwards);
    }

    public static Duration restoreTimeout(VmCloneSpec clone) {
        Integer seconds = clone.migration() == null ? null : clone.migration().restoreTimeoutSeconds();
        return Duration.ofSeconds(seconds == null ? 60 : seconds);
    }

    private static VmDefinition.Boot boot(BootSpec boot, PodPaths paths, BootFileDirs dirs) {
        String kernel = null;
        String initrd = null;
        String disk = null;
        for (BootFileLocation file : BootFileLocation.all(boot, dirs)) {
            String onNode = paths.resolveString(file.podPath());
            switch (file.role()) {
                case "kernel" -> kernel = onNode;
                case "initrd" -> initrd = onNode;
                default -> disk = onNode;
            }
        }
        if (kernel == null && disk == null) {
            throw new InvalidSpecException("spec.boot", "set boot.kernel, boot.disk or both");
        }
        if (kernel == null && (initrd != null || boot.cmdline() != null)) {
            throw new InvalidSpecException("spec.boot.kernel", "boot.initrd and boot.cmdline need boot.kernel");
        }
        String format = boot.disk() == null ? null : boot.disk().format() == DiskFormat.QCOW2 ? "qcow2" : "raw";
        return new VmDefinition.Boot(kernel, initrd, boot.cmdline(), disk, format);
    }

    private static VmDefinition.Balloon balloon(BalloonSpec balloon) {
        if (balloon == null || !Boolean.TRUE.equals(balloon.enabled())) {
            return null;
        }
        if (Boolean.TRUE.equals(balloon.freePageReporting()) || Boolean.TRUE.equals(balloon.freePageHinting())) {
            throw new InvalidSpecException("spec.devices.balloon", "freePageReporting and freePageHinting must stay false:"
                    + " they cannot discard file-backed template memory");
        }
        return new VmDefinition.Balloon(Objects.requireNonNullElse(balloon.statsPollingSeconds(), 0));
    }

    private static VmDefinition.VirtioMem virtioMem(VirtioMemSpec virtioMem) {
        if (virtioMem == null) {
            return null;
        }
        if (virtioMem.requestedSize() != null && !virtioMem.requestedSize().equals("0")) {
            throw new InvalidSpecException("spec.devices.virtioMem.requestedSize", "must be 0 on a template; clones plug memory");
        }
        return new VmDefinition.VirtioMem(mebibytes("spec.devices.virtioMem.size", require(virtioMem.size(), "spec.devices.virtioMem.size")),
                mebibytes("spec.devices.virtioMem.blockSize", Objects.requireNonNullElse(virtioMem.blockSize(), "2Mi")));
    }

    static long mebibytes(String field, String quantity) {
        java.util.OptionalLong mebibytes = Quantities.mebibytes(quantity);
        // every size the renderer reads is a real amount of memory: "0" is not one
        if (mebibytes.isEmpty() || mebibytes.getAsLong() <= 0) {
            throw new InvalidSpecException(field, "'" + quantity + "' is not a size in Mi or Gi (e.g. 512Mi, 2Gi)");
        }
        return mebibytes.getAsLong();
    }

    private static <T> T require(T value, String field) {
        if (value == null) {
            throw new InvalidSpecException(field, "is required");
        }
        return value;
    }
}
