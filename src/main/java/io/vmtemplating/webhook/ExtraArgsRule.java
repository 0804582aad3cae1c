package io.vmtemplating.webhook;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * qemu.extraArgs: options from an allow-list only. The operator owns memory, migration, the monitor, the
 * console and every host file; extra options may only add guest-visible devices and settings that restore
 * into a clone unchanged. Rejected options that are known get a message naming what to use instead.
 * Arguments are passed to QEMU as argv (never through a shell), so shell metacharacters are plain data;
 * NUL and line breaks are not, as they cannot survive argv or the pod spec faithfully.
 */
final class ExtraArgsRule {

    /** Allowed options and whether they take a value. */
    private static final Map<String, Boolean> ALLOWED = Map.ofEntries(
            Map.entry("-device", true), Map.entry("-netdev", true), Map.entry("-cpu", true),
            Map.entry("-rtc", true), Map.entry("-name", true), Map.entry("-uuid", true),
            Map.entry("-smbios", true), Map.entry("-vga", true), Map.entry("-action", true),
            Map.entry("-msg", true), Map.entry("-sandbox", true), Map.entry("-d", true),
            Map.entry("-no-reboot", false), Map.entry("-no-shutdown", false));

    /** Devices that add guest hardware without host resources or memory of their own. */
    static final Set<String> ALLOWED_DEVICES = Set.of(
            "virtio-net-pci", "e1000", "e1000e", "rtl8139", "virtio-rng-pci",
            "virtio-keyboard-pci", "virtio-mouse-pci", "virtio-tablet-pci",
            "qemu-xhci", "nec-usb-xhci", "usb-ehci", "ich9-usb-ehci1", "usb-kbd", "usb-mouse", "usb-tablet",
            "i6300esb", "ib700", "pvpanic", "pvpanic-pci", "isa-debug-exit",
            "pcie-root-port", "pci-bridge", "pcie-pci-bridge", "virtio-scsi-pci");

    /** Option properties that name a file or socket on the host. */
    private static final Set<String> HOST_PATH_PROPERTIES = Set.of(
            "file", "filename", "path", "mem-path", "romfile", "script", "downscript", "smb", "tftp", "bootfile",
            "sock", "socket", "dir", "splash", "fd", "fds", "vhostfd", "vhostfds", "logfile");

    private static final String HOST_FILES = " refers to files on the host that the pod does not have;"
            + " boot files come from spec.boot (hostPath, persistentVolumeClaim or image)";

    /** Known options that are refused, each with why and what to use instead; the boolean: takes a value. */
    private record Refused(boolean takesValue, String message) {
    }

    private static final Map<String, Refused> REFUSED = Map.ofEntries(
            Map.entry("-mem-path", new Refused(true, "-mem-path would move guest RAM out of the template file"
                    + " (QEMU: '-mem-path' can't be used together with '-machine memory-backend'); remove it and use spec.memory")),
            Map.entry("-mem-prealloc", new Refused(false,
                    "-mem-prealloc configures guest memory, which the operator owns; remove it")),
            Map.entry("-m", new Refused(true, "-m sets guest memory, which the operator owns; use spec.memory.size")),
            Map.entry("-numa", new Refused(true, "-numa configures guest memory, which the operator owns;"
                    + " use spec.memory.numaNodes")),
            Map.entry("-smp", new Refused(true, "-smp is set by the operator; use spec.cpus")),
            Map.entry("-accel", new Refused(true, "-accel is chosen by the operator (KVM when the node has it); remove it")),
            Map.entry("-enable-kvm", new Refused(false,
                    "-enable-kvm is chosen by the operator (KVM when the node has it); remove it")),
            Map.entry("-incoming", new Refused(true, "-incoming is how the operator restores clones"
                    + " (-incoming defer, then migrate-incoming); remove it")),
            Map.entry("-loadvm", new Refused(true, "-loadvm loads a snapshot from a host disk image;"
                    + " remove it (clones restore from the template)")),
            Map.entry("-drive", new Refused(true, "-drive" + HOST_FILES)),
            Map.entry("-blockdev", new Refused(true, "-blockdev" + HOST_FILES)),
            Map.entry("-fsdev", new Refused(true, "-fsdev" + HOST_FILES)),
            Map.entry("-virtfs", new Refused(true, "-virtfs" + HOST_FILES)),
            Map.entry("-kernel", new Refused(true, "-kernel" + HOST_FILES)),
            Map.entry("-initrd", new Refused(true, "-initrd" + HOST_FILES)),
            Map.entry("-append", new Refused(true, "-append is set by the operator; use spec.boot.cmdline")),
            Map.entry("-bios", new Refused(true, "-bios" + HOST_FILES)),
            Map.entry("-L", new Refused(true, "-L" + HOST_FILES)),
            Map.entry("-pflash", new Refused(true, "-pflash" + HOST_FILES)),
            Map.entry("-hda", new Refused(true, "-hda" + HOST_FILES)),
            Map.entry("-hdb", new Refused(true, "-hdb" + HOST_FILES)),
            Map.entry("-cdrom", new Refused(true, "-cdrom" + HOST_FILES)),
            Map.entry("-dtb", new Refused(true, "-dtb" + HOST_FILES)),
            Map.entry("-plugin", new Refused(true, "-plugin" + HOST_FILES)),
            Map.entry("-readconfig", new Refused(true, "-readconfig" + HOST_FILES)),
            Map.entry("-D", new Refused(true, "-D" + HOST_FILES)),
            Map.entry("-pidfile", new Refused(true, "-pidfile" + HOST_FILES)),
            Map.entry("-chardev", new Refused(true, "-chardev connects QEMU to host files and sockets,"
                    + " which the operator owns; remove it")),
            Map.entry("-monitor", new Refused(true, "-monitor: the operator owns QEMU's monitor and QMP; remove it")),
            Map.entry("-qmp", new Refused(true, "-qmp: the operator owns QEMU's monitor and QMP; remove it")),
            Map.entry("-serial", new Refused(true, "-serial: the operator owns the serial console;"
                    + " use spec.devices.serialConsole")),
            Map.entry("-object", new Refused(true, "-object is not on the allow-list of extra QEMU options;"
                    + " remove it (see docs/webhook.md)")),
            Map.entry("-machine", new Refused(true, "-machine is set by the operator; use spec.machine")),
            Map.entry("-M", new Refused(true, "-M is set by the operator; use spec.machine")),
            Map.entry("-global", new Refused(true, "-global can change memory and migration properties of any"
                    + " device; remove it (see docs/webhook.md for the allowed options)")));

    static final String MULTI_PROCESS = "multi-process QEMU (x-remote, vfio-user) needs the remote process to"
            + " map guest RAM, which clones map privately (QEMU: Permission denied); remove it";
    static final String VHOST_USER = "vhost-user needs real shared guest memory, but clones map template"
            + " memory privately (a vhost-user clone restores with a dead device); remove it";
    private static final String MEMORY_BACKEND = "extra memory backends would hold guest RAM outside the"
            + " template file; remove it (use spec.memory.numaNodes or spec.devices.virtioMem)";

    private ExtraArgsRule() {
    }

    static void check(List<String> args, String path, Violations out) {
        if (args == null) {
            return;
        }
        int i = 0;
        while (i < args.size()) {
            String at = path + "[" + i + "]";
            String token = args.get(i);
            if (!wellFormed(token, at, out)) {
                i++;
                continue;
            }
            String option = token.startsWith("--") ? token.substring(1) : token;
            if (!option.startsWith("-") || option.length() < 2) {
                out.add(at, "\"" + token + "\" is not a QEMU option; write each option followed by its value,"
                        + " e.g. \"-rtc\", \"base=utc\"");
                i++;
                continue;
            }
            boolean takesValue = takesValue(option, args, i);
            String value = takesValue && i + 1 < args.size() ? args.get(i + 1) : null;
            String valueAt = path + "[" + (i + 1) + "]";
            if (takesValue && value == null) {
                out.add(at, option + " needs a value after it; add it or remove the option");
            } else if (value != null && !wellFormed(value, valueAt, out)) {
                // already reported
            } else {
                checkOption(option, at, value, valueAt, out);
            }
            i += takesValue ? 2 : 1;
        }
    }

    /** Rules that hold for any token: no NUL or line breaks, no vhost-user, no multi-process QEMU. */
    private static boolean wellFormed(String token, String at, Violations out) {
        if (token == null) {
            out.add(at, "empty entry; remove it");
            return false;
        }
        if (token.indexOf('\0') >= 0 || token.indexOf('\n') >= 0 || token.indexOf('\r') >= 0) {
            out.add(at, "contains a NUL or line break, which cannot be passed to QEMU faithfully; remove it");
            return false;
        }
        if (token.contains("vhost-user")) {
            out.add(at, VHOST_USER);
            return false;
        }
        if (token.contains("x-remote") || token.contains("vfio-user")) {
            out.add(at, MULTI_PROCESS);
            return false;
        }
        return true;
    }

    private static boolean takesValue(String option, List<String> args, int i) {
        if (ALLOWED.containsKey(option)) {
            return ALLOWED.get(option);
        }
        if (REFUSED.containsKey(option)) {
            return REFUSED.get(option).takesValue();
        }
        // unknown option: treat a following non-option as its value so one mistake gives one violation
        return i + 1 < args.size() && args.get(i + 1) != null && !args.get(i + 1).startsWith("-");
    }

    private static void checkOption(String option, String at, String value, String valueAt, Violations out) {
        if ((option.equals("-machine") || option.equals("-M")) && value.contains("memory-backend")) {
            out.add(valueAt, "-machine memory-backend would put guest RAM outside the template file;"
                    + " remove it (the operator sets memory-backend itself)");
        } else if (option.equals("-object") && value.startsWith("memory-backend")
                || option.equals("-object") && value.contains("qom-type=memory-backend")) {
            out.add(valueAt, MEMORY_BACKEND);
        } else if (REFUSED.containsKey(option)) {
            out.add(at, REFUSED.get(option).message());
        } else if (!ALLOWED.containsKey(option)) {
            out.add(at, option + " is not on the allow-list of extra QEMU options; remove it"
                    + " (see docs/webhook.md for the allowed options)");
        } else if (value != null) {
            checkValue(option, value, valueAt, out);
        }
    }

    private static void checkValue(String option, String value, String valueAt, Violations out) {
        QemuOptionValue parsed = QemuOptionValue.parse(value,
                option.equals("-device") ? "driver" : option.equals("-netdev") ? "type" : "");
        for (String key : parsed.properties().keySet()) {
            if (HOST_PATH_PROPERTIES.contains(key)) {
                out.add(valueAt, key + "=" + HOST_FILES);
                return;
            }
            if (key.equals("memdev")) {
                out.add(valueAt, MEMORY_BACKEND);
                return;
            }
        }
        if (option.equals("-device")) {
            checkDevice(parsed.implied(), valueAt, out);
        } else if (option.equals("-netdev") && !parsed.implied().equals("user")) {
            out.add(valueAt, "-netdev " + parsed.implied() + " needs host network devices the pod does not have;"
                    + " use spec.devices.network.mode user");
        } else if (option.equals("-netdev") && parsed.properties().containsKey("guestfwd")) {
            // guestfwd=...-cmd:... runs a host command for each guest connection
            out.add(valueAt, "guestfwd connects the guest to host commands or sockets; remove it");
        } else if (option.equals("-netdev") && parsed.properties().containsKey("hostfwd")) {
            out.add(valueAt, "hostfwd belongs to each clone, not to the template; use VmClone spec.portForwards");
        }
    }

    private static void checkDevice(String driver, String valueAt, Violations out) {
        if (driver.startsWith("virtio-mem")) {
            out.add(valueAt, "virtio-mem here could be backed by template memory, which QEMU cannot discard"
                    + " (it fails at realize); use spec.devices.virtioMem");
        } else if (driver.startsWith("virtio-balloon")) {
            out.add(valueAt, "a balloon here could report free pages into file-backed template memory;"
                    + " use spec.devices.balloon");
        } else if (driver.equals("pc-dimm") || driver.equals("nvdimm") || driver.startsWith("ivshmem")) {
            out.add(valueAt, MEMORY_BACKEND);
        } else if (!ALLOWED_DEVICES.contains(driver)) {
            out.add(valueAt, "device \"" + driver + "\" is not on the allow-list of extra devices; remove it"
                    + " (see docs/webhook.md for the allowed devices)");
        }
    }
}
