package io.vmtemplating.bench;

import io.vmtemplating.qemu.HostProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** What the figures depend on: cores, memory, CPU, accelerator, QEMU and Java versions; and /proc readings. */
final class Machine {
    private Machine() {
    }

    static Map<String, Object> facts(String accel) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("nproc", Runtime.getRuntime().availableProcessors());
        facts.put("memory_mib", meminfoKiB("MemTotal").orElse(0L) / 1024);
        facts.put("cpu", cpuModel());
        facts.put("accel", accel);
        facts.put("kvm_device_usable", HostProbe.kvmDeviceUsable());
        facts.put("qemu", HostProbe.qemuVersion("qemu-system-x86_64"));
        facts.put("java", System.getProperty("java.version"));
        return facts;
    }

    /** The 1-, 5- and 15-minute load averages (/proc/loadavg): on a shared machine, how busy it was around a run. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return "unknown";
        }
    }

    static Optional<Long> meminfoKiB(String field) {
        return procField(Path.of("/proc/meminfo"), field);
    }

    /** A "Name:   123 kB" line of a /proc file, in KiB. */
    static Optional<Long> procField(Path file, String field) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(field + ":")) {
                    return Optional.of(Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
