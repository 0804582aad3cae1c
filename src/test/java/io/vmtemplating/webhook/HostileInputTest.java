package io.vmtemplating.webhook;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input: each attempt is denied with a violation on the field that carries it, so none reaches a pod or
 * QEMU (the reconcilers run the same validators and fail such an object as InvalidSpec without creating a pod).
 */
class HostileInputTest {

    private static VmTemplate template(String extraArgsYaml, String initrd) {
        return Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmTemplate
                metadata: {name: t, namespace: a}
                spec:
                  memory: {size: 512Mi}
                  boot:
                    kernel: {hostPath: {path: /var/lib/vmtemplating/guest/vmlinuz}}
                    initrd: {hostPath: {path: "%s"}}
                  qemu: {extraArgs: %s}
                  freeze: {trigger: Delay, delaySeconds: 1}
                """.formatted(initrd, extraArgsYaml), VmTemplate.class);
    }

    static Stream<Arguments> hostileTemplates() {
        String okInitrd = "/var/lib/vmtemplating/guest/initrd.gz";
        return Stream.of(
                Arguments.of(template("[\"-drive\", \"file=/etc/shadow,if=virtio\"]", okInitrd), "spec.qemu.extraArgs"),
                Arguments.of(template("[\"-chardev\", \"file,id=x,path=/etc/passwd\"]", okInitrd), "spec.qemu.extraArgs"),
                Arguments.of(template("[\"-object\", \"memory-backend-file,id=m,mem-path=/dev/shm/other,share=on,size=1G\"]", okInitrd), "spec.qemu.extraArgs"),
                Arguments.of(template("[\"-mem-path\", \"/dev/hugepages\"]", okInitrd), "spec.qemu.extraArgs"),
                Arguments.of(template("[\"-device\", \"virtio-net,netdev=n; rm -rf /\"]", okInitrd), "spec.qemu.extraArgs"),
                Arguments.of(template("[\"$(reboot)\"]", okInitrd), "spec.qemu.extraArgs"),
                Arguments.of(template("[\"-incoming\", \"exec:sh -c 'id > /tmp/pwned'\"]", okInitrd), "spec.qemu.extraArgs"),
                Arguments.of(template("[\"-netdev\", \"user,id=n,guestfwd=tcp:10.0.2.100:1-cmd:sh\"]", okInitrd), "spec.qemu.extraArgs"),
                Arguments.of(template("[\"-readconfig\", \"/etc/qemu.conf\"]", okInitrd), "spec.qemu.extraArgs"),
                Arguments.of(template("[\"-smp\", \"2\\n-drive file=/etc/shadow\"]", okInitrd), "spec.qemu.extraArgs"),
                Arguments.of(template("[]", "/var/lib/vmtemplating/guest/../../../../etc/shadow"), "spec.boot.initrd.hostPath.path"),
                Arguments.of(template("[]", "/proc/self/environ"), "spec.boot.initrd.hostPath.path"),
                Arguments.of(template("[]", "/var/lib/vmtemplating/templates/0a1b/state"), "spec.boot.initrd.hostPath.path"),
                Arguments.of(template("[]", "/dev/shm/vmtemplating/0a1b/pc.ram"), "spec.boot.initrd.hostPath.path"),
                Arguments.of(template("[]", "/var/lib/kubelet/pods/x/volumes/secret/token"), "spec.boot.initrd.hostPath.path"));
    }

    @ParameterizedTest
    @MethodSource("hostileTemplates")
    void hostileTemplateIsDeniedOnItsField(VmTemplate template, String field) {
        List<Violation> violations = VmTemplateValidator.validate(template);
        assertFalse(violations.isEmpty(), "must be denied");
        assertTrue(violations.stream().anyMatch(v -> v.fieldPath().startsWith(field)), violations.toString());
    }

    static Stream<Arguments> hostileClones() {
        return Stream.of(
                Arguments.of("{name: other-namespace/t}"),
                Arguments.of("{name: ../t}"),
                Arguments.of("{name: \"t\\u0000\"}"),
                Arguments.of("{name: \"" + "x".repeat(300) + "\"}"));
    }

    @ParameterizedTest
    @MethodSource("hostileClones")
    void crossNamespaceOrCraftedTemplateReferencesAreDenied(String templateRef) {
        VmClone clone = Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClone
                metadata: {name: c, namespace: a}
                spec: {templateRef: %s}
                """.formatted(templateRef), VmClone.class);
        List<Violation> violations = VmCloneValidator.validate(clone, Optional.empty());
        assertTrue(violations.stream().anyMatch(v -> v.fieldPath().equals("spec.templateRef.name")), violations.toString());
    }

    @ParameterizedTest
    @MethodSource("oversized")
    void oversizedSpecsAreDenied(VmTemplate template) {
        assertFalse(VmTemplateValidator.validate(template).isEmpty());
    }

    static Stream<VmTemplate> oversized() {
        String manyArgs = "[" + String.join(",", java.util.Collections.nCopies(500, "\"-smp\", \"1\"")) + "]";
        return Stream.of(template(manyArgs, "/var/lib/vmtemplating/guest/initrd.gz"),
                template("[\"" + "a".repeat(100_000) + "\"]", "/var/lib/vmtemplating/guest/initrd.gz"));
    }
}
