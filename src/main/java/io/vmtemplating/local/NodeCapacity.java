package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What this machine offers pods, as a kubelet reports it in the Node's capacity and allocatable.
 *
 * @param hugePageBytes pre-allocated huge pages per resource name ("hugepages-2Mi" → bytes); 2Mi and 1Gi always present
 */
public record NodeCapacity(int cpus, long memoryBytes, Map<String, Long> hugePageBytes, long ephemeralStorageBytes,
        int pods) {
    /** kubelet's default maxPods. */
    public static final int MAX_PODS = 110;
    private static final Pattern MEM_TOTAL = Pattern.compile("(?m)^MemTotal:\\s+(\\d+)\\s+kB$");
    private static final Pattern HUGE_PAGE_DIRECTORY = Pattern.compile("hugepages-(\\d+)kB");

    public NodeCapacity {
        hugePageBytes = Map.copyOf(hugePageBytes);
    }

    /**
     * @param meminfo             /proc/meminfo's text
     * @param nrHugePagesByDirectory each /sys/kernel/mm/hugepages/hugepages-SIZEkB directory's name → its nr_hugepages text
     */
    public static NodeCapacity parse(int cpus, String meminfo, Map<String, String> nrHugePagesByDirectory,
            long ephemeralStorageBytes) {
        Matcher total = MEM_TOTAL.matcher(meminfo);
        if (!total.find()) {
            throw new IllegalArgumentException("no MemTotal line in /proc/meminfo");
        }
        Map<String, Long> hugePages = new TreeMap<>(Map.of("hugepages-2Mi", 0L, "hugepages-1Gi", 0L));
        nrHugePagesByDirectory.forEach((directory, nrText) -> {
            Matcher size = HUGE_PAGE_DIRECTORY.matcher(directory);
            if (size.matches()) {
                long pageBytes = Long.parseLong(size.group(1)) * 1024;
                hugePages.put("hugepages-" + binary(pageBytes), pageBytes * Long.parseLong(nrText.strip()));
            }
        });
        return new NodeCapacity(cpus, Long.parseLong(total.group(1)) * 1024, hugePages, ephemeralStorageBytes, MAX_PODS);
    }

    /** This machine's: its processors, /proc/meminfo, /sys/kernel/mm/hugepages, the file system holding {@code root}. */
    public static NodeCapacity ofThisMachine(Path root) throws IOException {
        Map<String, String> hugePages = new LinkedHashMap<>();
        Path sysHugePages = Path.of("/sys/kernel/mm/hugepages");
        if (Files.isDirectory(sysHugePages)) {
            try (var directories = Files.list(sysHugePages)) {
                for (Path directory : directories.toList()) {
                    Path nr = directory.resolve("nr_hugepages");
                    if (Files.isReadable(nr)) {
                        hugePages.put(directory.getFileName().toString(), Files.readString(nr));
                    }
                }
            }
        }
        return parse(Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/meminfo")), hugePages,
                Files.getFileStore(root).getTotalSpace());
    }

    public Map<String, Quantity> capacity() {
        return resources(memoryBytes);
    }

    /** Capacity less what pods cannot have: pre-allocated huge pages count in MemTotal but not as memory (kubelet). */
    public Map<String, Quantity> allocatable() {
        long hugePagesTotal = hugePageBytes.values().stream().mapToLong(Long::longValue).sum();
        return resources(Math.max(0, memoryBytes - hugePagesTotal));
    }

    private Map<String, Quantity> resources(long memory) {
        Map<String, Quantity> resources = new TreeMap<>();
        resources.put("cpu", new Quantity(Integer.toString(cpus)));
        resources.put("memory", new Quantity(binary(memory)));
        resources.put("pods", new Quantity(Integer.toString(pods)));
        resources.put("ephemeral-storage", new Quantity(binary(ephemeralStorageBytes)));
        hugePageBytes.forEach((name, bytes) -> resources.put(name, new Quantity(binary(bytes))));
        return resources;
    }

    /** Bytes in the largest binary unit that holds them exactly, as Kubernetes prints quantities: 2097152 → "2Mi". */
    static String binary(long bytes) {
        String[] units = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (10 * (units.length - i));
            if (bytes != 0 && bytes % unit == 0) {
                return bytes / unit + units[i];
            }
        }
        return Long.toString(bytes);
    }
}
