package io.vmtemplating.webhook;

import io.vmtemplating.api.v1alpha1.VmCloneSpec;
import io.vmtemplating.launcher.PodContract;
import io.vmtemplating.api.v1alpha1.VmTemplateSpec;
import io.vmtemplating.api.v1alpha1.types.CloneVirtioMem;
import io.vmtemplating.api.v1alpha1.types.NetworkMode;
import io.vmtemplating.api.v1alpha1.types.PortForward;
import io.vmtemplating.api.v1alpha1.types.PortProtocol;
import io.vmtemplating.api.v1alpha1.types.VirtioMemSpec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Every webhook rule of a VmClone's spec, on the specs alone: VmCloneValidator applies them to the Kubernetes objects,
 * the launcher to the specs its pod received (no fabric8 there: VmClone and VmTemplate are fabric8 CustomResources).
 * The template is optional: a clone may be applied before its template (GitOps applies in any order) and then waits,
 * so only the clone's own rules run; with the template, the clone must fit it, because device state only restores
 * into the same VM shape.
 */
public final class CloneSpecRules {

    private CloneSpecRules() {
    }

    /**
     * A DNS subdomain name: 1 to 253 of a-z, 0-9, '-' and '.', starting and ending with a letter or digit. A loop, not
     * the regular expression it was: that one's look-ahead cost every clone launcher 4 ms of method-handle spinning on
     * its way to QEMU.
     */
    static boolean isTemplateName(String name) {
        int length = name.length();
        if (length < 1 || length > 253) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = name.charAt(i);
            boolean letterOrDigit = c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (!letterOrDigit && (c != '-' && c != '.' || i == 0 || i == length - 1)) {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 64 ? printable.substring(0, 64) + "..." : printable;
    }

    /**
     * @param spec         null when the object has none
     * @param templateName the template's name, for messages
     * @param template     the template's spec; null when the template is not known (yet)
     */
    public static List<Violation> check(VmCloneSpec spec, String templateName, VmTemplateSpec template) {
        Violations out = new Violations();
        if (spec == null) {
            out.add("spec", "is required; set templateRef.name");
            return out.list();
        }
        if (spec.poolRef() != null) {
            claim(spec, out);
            claimDataFits(spec, templateName, template, out);
            return out.list();
        }
        if (spec.templateRef() == null || spec.templateRef().name() == null || spec.templateRef().name().isBlank()) {
            out.add("spec.templateRef.name", "is required; name a VmTemplate in the same namespace");
        } else if (!isTemplateName(spec.templateRef().name())) {
            // a name only: template memory holds the template's secrets, so no reference leaves the namespace
            out.add("spec.templateRef.name", "'" + abbreviate(spec.templateRef().name()) + "' is not a VmTemplate name;"
                    + " name a VmTemplate of this namespace (lower-case letters, digits, '-' and '.', at most 253 characters;"
                    + " references to other namespaces are not allowed)");
        }
        if (spec.cpus() != null && (spec.cpus() < 1 || spec.cpus() > 64)) {
            out.add("spec.cpus", spec.cpus() + " is out of range; set 1 to 64");
        }
        OptionalLong size = OptionalLong.empty();
        if (spec.memory() != null) {
            size = optionalSize(spec.memory().size(), "spec.memory.size", out);
            optionalSize(spec.memory().expectedPrivate(), "spec.memory.expectedPrivate", out);
        }
        OptionalLong requested = OptionalLong.empty();
        if (spec.virtioMem() != null) {
            requested = MemoryRules.size(spec.virtioMem().requestedSize(), "spec.virtioMem.requestedSize", out);
        }
        portForwards(spec.portForwards(), out);
        if (spec.migration() != null && spec.migration().restoreTimeoutSeconds() != null
                && (spec.migration().restoreTimeoutSeconds() < 1 || spec.migration().restoreTimeoutSeconds() > 3600)) {
            out.add("spec.migration.restoreTimeoutSeconds", "is out of range; set 1 to 3600");
        }
        if (template != null) {
            matchesTemplate(spec, size, template, templateName, out);
            virtioMemFits(spec.virtioMem(), requested, template.devices() == null ? null
                    : template.devices().virtioMem(), templateName, out);
        }
        claimDataFits(spec, templateName, template, out);
        return out.list();
    }

    /**
     * A claim names its pool and nothing of the VM: the member it gets was restored with the pool's settings, and a
     * cold fallback uses the same ones, so a claim's VM is the same whichever path it takes.
     */
    private static void claim(VmCloneSpec spec, Violations out) {
        if (spec.poolRef().name() == null || spec.poolRef().name().isBlank()) {
            out.add("spec.poolRef.name", "is required; name a VmClonePool in the same namespace");
        } else if (!isTemplateName(spec.poolRef().name())) {
            out.add("spec.poolRef.name", "'" + abbreviate(spec.poolRef().name()) + "' is not a VmClonePool name;"
                    + " name a VmClonePool of this namespace (references to other namespaces are not allowed)");
        }
        if (spec.templateRef() != null) {
            out.add("spec.templateRef", "set exactly one of templateRef (restore from a template) or poolRef (claim a warm"
                    + " member of a pool); a claim restores from its pool's template");
        }
        String poolSetting = "a claim gets its pool's settings; set it on the VmClonePool, or remove it here";
        if (spec.cpus() != null) {
            out.add("spec.cpus", poolSetting);
        }
        if (spec.machine() != null) {
            out.add("spec.machine", poolSetting);
        }
        if (spec.memory() != null) {
            out.add("spec.memory", poolSetting);
        }
        if (spec.virtioMem() != null) {
            out.add("spec.virtioMem", poolSetting);
        }
        if (spec.portForwards() != null) {
            out.add("spec.portForwards", poolSetting);
        }
        if (spec.migration() != null) {
            out.add("spec.migration", poolSetting);
        }
        if (spec.nodeSelector() != null) {
            out.add("spec.nodeSelector", "a claim gets a warm member wherever it was restored; remove it here (the"
                    + " VmClonePool's members go to the nodes with a Ready copy of its template)");
        }
    }

    /**
     * Claim data reaches the guest through its guest agent, which only a template declaring spec.claimData has; without
     * the template (not there yet) only the reference's own shape is checked.
     */
    static void claimDataFits(VmCloneSpec spec, String templateName, VmTemplateSpec template, Violations out) {
        if (spec.claimData() == null) {
            return;
        }
        if (spec.claimData().secretRef() == null || spec.claimData().secretRef().name() == null
                || spec.claimData().secretRef().name().isBlank()) {
            out.add("spec.claimData.secretRef.name", "is required; name a Secret of this namespace, or remove spec.claimData");
        } else if (!isTemplateName(spec.claimData().secretRef().name())) {
            out.add("spec.claimData.secretRef.name", "'" + abbreviate(spec.claimData().secretRef().name())
                    + "' is not a Secret name; name a Secret of this namespace (references to other namespaces are not allowed)");
        }
        if (template != null && template.claimData() == null) {
            out.add("spec.claimData", "VmTemplate " + templateName + " declares no spec.claimData: its guest has no guest"
                    + " agent to receive the data; remove spec.claimData or use a template that sets spec.claimData.directory");
        }
    }

    /** A pool's member settings: those of a clone of its template (port forwards, memory request). */
    static void poolMembers(List<PortForward> forwards, String expectedPrivate, Violations out) {
        if (expectedPrivate != null) {
            MemoryRules.size(expectedPrivate, "spec.memory.expectedPrivate", out);
        }
        portForwards(forwards, out);
    }

    private static OptionalLong optionalSize(String quantity, String path, Violations out) {
        return quantity == null ? OptionalLong.empty() : MemoryRules.size(quantity, path, out);
    }

    private static void portForwards(List<PortForward> forwards, Violations out) {
        if (forwards == null) {
            return;
        }
        Map<String, Integer> firstUse = new HashMap<>();
        for (int i = 0; i < forwards.size(); i++) {
            String at = "spec.portForwards[" + i + "]";
            PortForward forward = forwards.get(i);
            if (forward == null) {
                out.add(at, "empty entry; set podPort and guestPort or remove it");
                continue;
            }
            if (forward.podPort() == null || forward.podPort() < 1024 || forward.podPort() > 65535) {
                out.add(at + ".podPort", "must be a port from 1024 to 65535 (the pod listens on it unprivileged);"
                        + " choose one in that range");
            }
            if (forward.guestPort() == null || forward.guestPort() < 1 || forward.guestPort() > 65535) {
                out.add(at + ".guestPort", "must be a port from 1 to 65535; choose one in that range");
            }
            PortProtocol protocol = forward.protocol() == null ? PortProtocol.TCP : forward.protocol();
            if (forward.podPort() != null && forward.podPort() == PodContract.HTTP_PORT && protocol == PortProtocol.TCP) {
                // QEMU's listener would collide with the launcher's, and the NetworkPolicy keeps 8080 for the operator
                out.add(at + ".podPort", PodContract.HTTP_PORT + "/tcp is the launcher's own port (status, pause,"
                        + " resume); choose another podPort");
            }
            String key = forward.podPort() + "/" + protocol.name().toLowerCase();
            Integer earlier = firstUse.putIfAbsent(key, i);
            if (forward.podPort() != null && earlier != null) {
                out.add(at + ".podPort", key + " is already forwarded by portForwards[" + earlier
                        + "]; use another podPort");
            }
        }
    }

    private static void matchesTemplate(VmCloneSpec spec, OptionalLong size, VmTemplateSpec template, String name,
                                        Violations out) {
        int templateCpus = template.cpus() == null ? 1 : template.cpus();
        if (spec.cpus() != null && spec.cpus() != templateCpus) {
            out.add("spec.cpus", spec.cpus() + " does not match VmTemplate " + name + " (" + templateCpus
                    + "): device state only restores into the same VM; set " + templateCpus + " or remove it");
        }
        String templateMachine = template.machine() == null ? "q35" : template.machine();
        if (spec.machine() != null && !spec.machine().equals(templateMachine)) {
            out.add("spec.machine", spec.machine() + " does not match VmTemplate " + name + " (" + templateMachine
                    + "): device state only restores into the same machine; set " + templateMachine + " or remove it");
        }
        OptionalLong templateSize = template.memory() == null ? OptionalLong.empty()
                : Sizes.mebibytes(template.memory().size(), false);
        if (size.isPresent() && templateSize.isPresent() && size.getAsLong() != templateSize.getAsLong()) {
            String expected = template.memory().size();
            out.add("spec.memory.size", Sizes.format(size.getAsLong()) + " does not match VmTemplate " + name + " ("
                    + expected + "): the clone maps the template's memory file (QEMU: Size mismatch); set "
                    + expected + " or remove it");
        }
        boolean userNetwork = template.devices() != null && template.devices().network() != null
                && template.devices().network().mode() == NetworkMode.USER;
        if (spec.portForwards() != null && !spec.portForwards().isEmpty() && !userNetwork) {
            out.add("spec.portForwards", "VmTemplate " + name + " has no user-mode network to forward ports into;"
                    + " remove portForwards or use a template with devices.network.mode user");
        }
    }

    private static void virtioMemFits(CloneVirtioMem cloneMem, OptionalLong requested, VirtioMemSpec templateMem,
                                      String name, Violations out) {
        if (cloneMem == null) {
            return;
        }
        if (templateMem == null) {
            out.add("spec.virtioMem", "VmTemplate " + name + " has no devices.virtioMem to plug memory into;"
                    + " remove spec.virtioMem or use a template with devices.virtioMem");
            return;
        }
        OptionalLong max = Sizes.mebibytes(templateMem.size(), false);
        OptionalLong block = Sizes.mebibytes(templateMem.blockSize() == null ? "2Mi" : templateMem.blockSize(), false);
        if (requested.isEmpty() || max.isEmpty() || block.isEmpty()) {
            return;
        }
        if (requested.getAsLong() > max.getAsLong()) {
            out.add("spec.virtioMem.requestedSize", Sizes.format(requested.getAsLong()) + " is more than VmTemplate "
                    + name + "'s devices.virtioMem.size (" + Sizes.format(max.getAsLong()) + "); request at most "
                    + Sizes.format(max.getAsLong()));
        } else if (requested.getAsLong() % block.getAsLong() != 0) {
            out.add("spec.virtioMem.requestedSize", Sizes.format(requested.getAsLong()) + " is not a multiple of"
                    + " VmTemplate " + name + "'s virtio-mem block size (" + Sizes.format(block.getAsLong())
                    + "); make it a multiple of " + Sizes.format(block.getAsLong()));
        }
    }
}
