package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vmtemplating.api.v1alpha1.VmCloneSpec;
import io.vmtemplating.api.v1alpha1.VmTemplateSpec;
import io.vmtemplating.api.v1alpha1.types.FreezeTrigger;
import io.vmtemplating.qemu.CloneAdditions;
import io.vmtemplating.qemu.MemoryBackendKind;
import io.vmtemplating.qemu.VmDefinition;
import io.vmtemplating.webhook.BootFileDirs;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VmDefinitionRendererTest {
    private static final String BOOT = "\"boot\":{\"kernel\":{\"hostPath\":{\"path\":\"/srv/guest/vmlinuz\"}},\"initrd\":{\"persistentVolumeClaim\":"
            + "{\"claimName\":\"c\",\"path\":\"img/initrd.gz\"}},\"cmdline\":\"console=ttyS0\"}";
    private static final String FREEZE = "\"freeze\":{\"trigger\":\"SerialConsole\",\"serialConsolePattern\":\"READY\"}";

    private static final BootFileDirs DIRS = new BootFileDirs(List.of("/srv/guest"));

    private static VmTemplateSpec spec(String fields) {
        return SpecJson.parse("VMT_TEMPLATE_SPEC", "{" + fields + "}", VmTemplateSpec.class);
    }

    private static VmDefinition render(String fields) {
        return VmDefinitionRenderer.render(spec(fields), PodPaths.IDENTITY, DIRS);
    }

    @Test
    void minimalSpecGetsTheCrdDefaults() {
        assertEquals(new VmDefinition("q35", 1, 512, MemoryBackendKind.TMPFS, 0, List.of(),
                        new VmDefinition.Boot("/vmt/boot/kernel/vmlinuz", "/vmt/boot/initrd/img/initrd.gz", "console=ttyS0", null, null),
                        new VmDefinition.Network(false), null, null, true, true, true, List.of(), List.of()),
                render("\"memory\":{\"size\":\"512Mi\"}," + BOOT));
    }

    @Test
    void everythingSet() {
        VmDefinition vm = render("\"cpus\":2,\"machine\":\"pc\",\"memory\":{\"size\":\"2Gi\",\"backend\":\"hugetlbfs\",\"hugePageSize\":\"2Mi\","
                + "\"numaNodes\":[{\"size\":\"1Gi\"},{\"size\":\"1024Mi\"}]},"
                + "\"boot\":{\"disk\":{\"source\":{\"image\":{\"reference\":\"r/x:1\",\"path\":\"disk.qcow2\"}},\"format\":\"qcow2\"}},"
                + "\"devices\":{\"network\":{\"mode\":\"user\"},\"balloon\":{\"enabled\":true,\"statsPollingSeconds\":5},"
                + "\"virtioMem\":{\"size\":\"1Gi\"},\"vmgenid\":false,\"rng\":false},"
                + "\"qemu\":{\"extraArgs\":[\"-cpu\",\"qemu64\"]},\"freeze\":{\"trigger\":\"Manual\",\"migrationCapabilities\":[\"mapped-ram\"]},"
                + "\"placement\":{\"nodeSelector\":{\"a\":\"b\"}}");
        assertEquals(new VmDefinition("pc", 2, 2048, MemoryBackendKind.HUGETLBFS, 2048, List.of(1024L, 1024L),
                new VmDefinition.Boot(null, null, null, "/vmt/boot/disk/disk.qcow2", "qcow2"), new VmDefinition.Network(true),
                new VmDefinition.Balloon(5), new VmDefinition.VirtioMem(1024, 2), false, false, true, List.of("-cpu", "qemu64"),
                List.of("mapped-ram")), vm);
    }

    @Test
    void serialConsoleFalseKeepsThePortWithoutAConsole() {
        assertTrue(render(M("1Gi") + BOOT).serialConsole());
        assertFalse(render(M("1Gi") + BOOT + ",\"devices\":{\"serialConsole\":false},\"freeze\":{\"trigger\":\"Delay\",\"delaySeconds\":1}")
                .serialConsole());
    }

    @Test
    void bootFilesResolveThroughThePathMap() {
        VmDefinition vm = VmDefinitionRenderer.render(spec("\"memory\":{\"size\":\"512Mi\"}," + BOOT),
                PodPaths.parse("/vmt/boot/kernel=/node/srv/guest:/vmt/boot/initrd=/srv/pvc"), DIRS);
        assertEquals("/node/srv/guest/vmlinuz", vm.boot().kernelPath());
        assertEquals("/srv/pvc/img/initrd.gz", vm.boot().initrdPath());
    }

    @Test
    void guestAgentTriggerAddsItsChannelInTheRunDir() {
        VmDefinition vm = VmDefinitionRenderer.render(spec("\"memory\":{\"size\":\"512Mi\"}," + BOOT + ",\"freeze\":{\"trigger\":\"GuestAgent\"}"),
                PodPaths.parse("/vmt/run=/tmp/r"), DIRS);
        assertEquals(List.of("-chardev", "socket,id=qga0,path=/tmp/r/qga.sock,server=on,wait=off", "-device", "virtio-serial-pci,id=vmt-serial0",
                "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0"), vm.extraArgs());
    }

    @Test
    void claimDataAddsTheSameChannelWithAnyTriggerAndOnlyOnce() {
        List<String> channel = List.of("-chardev", "socket,id=qga0,path=/tmp/r/qga.sock,server=on,wait=off", "-device",
                "virtio-serial-pci,id=vmt-serial0", "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0");
        String claimData = ",\"claimData\":{\"directory\":\"/run/vmtemplating\"}";
        assertEquals(channel, VmDefinitionRenderer.render(spec("\"memory\":{\"size\":\"512Mi\"}," + BOOT + "," + FREEZE + claimData),
                PodPaths.parse("/vmt/run=/tmp/r"), DIRS).extraArgs());
        assertEquals(channel, VmDefinitionRenderer.render(spec("\"memory\":{\"size\":\"512Mi\"}," + BOOT
                + ",\"freeze\":{\"trigger\":\"GuestAgent\"}" + claimData), PodPaths.parse("/vmt/run=/tmp/r"), DIRS).extraArgs());
    }

    private static String M(String size) {
        return "\"memory\":{\"size\":\"" + size + "\"},";
    }

    static Stream<Arguments> refusedSpecs() {
        return Stream.of(
                Arguments.of(M("12Xi") + BOOT,
                        "spec.memory.size: '12Xi' is not a size in Mi or Gi (e.g. 512Mi, 2Gi)"),
                Arguments.of(M("0Mi") + BOOT,
                        "spec.memory.size: '0Mi' is not a size in Mi or Gi (e.g. 512Mi, 2Gi)"),
                Arguments.of("\"boot\":{\"kernel\":{\"hostPath\":{\"path\":\"/k\"}}}",
                        "spec.memory: is required"),
                Arguments.of("\"memory\":{\"size\":\"1Gi\",\"backend\":\"hugetlbfs\"}," + BOOT,
                        "spec.memory.hugePageSize: is required"),
                Arguments.of("\"memory\":{\"size\":\"1Gi\",\"numaNodes\":[{\"size\":\"256Mi\"}]}," + BOOT,
                        "spec.memory.numaNodes: sizes add up to 256Mi but spec.memory.size is 1024Mi"),
                Arguments.of(M("1Gi") + "\"boot\":{}",
                        "spec.boot: set boot.kernel, boot.disk or both"),
                Arguments.of(M("1Gi") + "\"boot\":{\"kernel\":{}}",
                        "spec.boot.kernel: set exactly one of hostPath, persistentVolumeClaim or image"),
                Arguments.of(M("1Gi") + "\"boot\":{\"kernel\":{\"image\":{\"reference\":\"r\",\"path\":\"../k\"}}}",
                        "spec.boot.kernel.image.path: '../k' must be relative and stay inside the volume (no leading /, no ..)"),
                Arguments.of(M("1Gi") + BOOT + ",\"devices\":{\"vhostUser\":[{\"type\":\"blk\",\"socketPath\":\"/s\"}]}",
                        "spec.devices.vhostUser: vhost-user devices cannot be used with templating: remove them"),
                Arguments.of(M("1Gi") + BOOT + ",\"devices\":{\"virtioMem\":{\"size\":\"1Gi\",\"requestedSize\":\"2Mi\"}}",
                        "spec.devices.virtioMem.requestedSize: must be 0 on a template; clones plug memory"),
                Arguments.of(M("1Gi") + BOOT + ",\"devices\":{\"balloon\":{\"enabled\":true,\"freePageReporting\":true}}",
                        "spec.devices.balloon: freePageReporting and freePageHinting must stay false: they cannot discard file-backed template memory"),
                Arguments.of(M("1Gi") + BOOT + ",\"devices\":{\"serialConsole\":false}," + FREEZE,
                        "spec.devices.serialConsole: is false but freeze.trigger is SerialConsole, which reads the console;"
                                + " set serialConsole true or use another trigger (Delay, GuestAgent, Manual)"));
    }

    @ParameterizedTest
    @MethodSource("refusedSpecs")
    void refusedSpecsNameTheField(String fields, String expected) {
        assertEquals(expected, assertThrows(InvalidSpecException.class, () -> render(fields)).getMessage());
    }

    @Test
    void notJsonNamesTheVariable() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> SpecJson.parse("VMT_TEMPLATE_SPEC", "memory: 1Gi", VmTemplateSpec.class));
        assertEquals("VMT_TEMPLATE_SPEC", e.field());
    }

    @Test
    void freezePlans() {
        String base = "\"memory\":{\"size\":\"1Gi\"}," + BOOT + ",";
        FreezePlan console = VmDefinitionRenderer.freezePlan(spec(base + FREEZE));
        assertEquals(FreezeTrigger.SerialConsole, console.trigger());
        assertEquals("READY", console.consolePattern().pattern());
        assertEquals(Duration.ofSeconds(600), console.timeout());
        FreezePlan delay = VmDefinitionRenderer.freezePlan(spec(base + "\"freeze\":{\"trigger\":\"Delay\",\"delaySeconds\":3,\"timeoutSeconds\":9}"));
        assertEquals(Duration.ofSeconds(3), delay.delay());
        assertEquals(Duration.ofSeconds(9), delay.timeout());
        assertNull(VmDefinitionRenderer.freezePlan(spec(base + "\"freeze\":{\"trigger\":\"Manual\"}")).consolePattern());
        assertEquals("spec.freeze.serialConsolePattern: not a Java regular expression: Unclosed group near index 1",
                assertThrows(InvalidSpecException.class, () -> VmDefinitionRenderer.freezePlan(
                        spec(base + "\"freeze\":{\"serialConsolePattern\":\"(\"}"))).getMessage());
        assertEquals("spec.freeze.delaySeconds: is required", assertThrows(InvalidSpecException.class,
                () -> VmDefinitionRenderer.freezePlan(spec(base + "\"freeze\":{\"trigger\":\"Delay\"}"))).getMessage());
    }

    @Test
    void cloneAdditions() {
        VmDefinition vm = render("\"memory\":{\"size\":\"1Gi\"}," + BOOT + ",\"devices\":{\"network\":{\"mode\":\"user\"},\"virtioMem\":{\"size\":\"512Mi\"}}");
        VmCloneSpec clone = SpecJson.parse("VMT_CLONE_SPEC", "{\"templateRef\":{\"name\":\"t\"},\"virtioMem\":{\"requestedSize\":\"256Mi\"},"
                + "\"portForwards\":[{\"podPort\":2222,\"guestPort\":22},{\"protocol\":\"udp\",\"podPort\":5353,\"guestPort\":53}],"
                + "\"memory\":{\"size\":\"1Gi\"},\"cpus\":1}", VmCloneSpec.class);
        assertEquals(new CloneAdditions(256, List.of(new CloneAdditions.PortForward("tcp", 2222, 22), new CloneAdditions.PortForward("udp", 5353, 53))),
                VmDefinitionRenderer.additions(clone, vm));
        assertEquals(CloneAdditions.NONE, VmDefinitionRenderer.additions(
                SpecJson.parse("VMT_CLONE_SPEC", "{\"templateRef\":{\"name\":\"t\"}}", VmCloneSpec.class), vm));
    }

    static Stream<Arguments> refusedClones() {
        return Stream.of(
                Arguments.of("\"memory\":{\"size\":\"2Gi\"}", "spec.memory.size: 2Gi differs from the template's 1024Mi: a clone needs exactly its template's memory"),
                Arguments.of("\"cpus\":4", "spec.cpus: 4 differs from the template's 1: remove it or match"),
                Arguments.of("\"virtioMem\":{\"requestedSize\":\"2Mi\"}", "spec.virtioMem: the template has no devices.virtioMem: remove spec.virtioMem"),
                Arguments.of("\"portForwards\":[{\"podPort\":2222,\"guestPort\":22}]", "spec.portForwards: needs the template's devices.network.mode user"));
    }

    @ParameterizedTest
    @MethodSource("refusedClones")
    void refusedClones(String fields, String expected) {
        VmDefinition vm = render("\"memory\":{\"size\":\"1Gi\"}," + BOOT);
        VmCloneSpec clone = SpecJson.parse("VMT_CLONE_SPEC", "{\"templateRef\":{\"name\":\"t\"}," + fields + "}", VmCloneSpec.class);
        assertEquals(expected, assertThrows(InvalidSpecException.class, () -> VmDefinitionRenderer.additions(clone, vm)).getMessage());
    }
}
