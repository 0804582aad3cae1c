package io.vmtemplating.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A QEMU process's memory from /proc: smaps_rollup for the totals, smaps only for the template file mappings. */
public final class ProcessMemory {
    private static final long KIB_PER_MIB = 1024;

    public record Figures(long rssMiB, long pssMiB, long privateMiB, long sharedWithTemplateMiB) {
    }

    private ProcessMemory() {
    }

    /** @param templateMemoryDir pages mapped from files under it and not yet copied are shared with the template */
    public static Figures read(long pid, Path templateMemoryDir) throws IOException {
        String rollup = Files.readString(Path.of("/proc", Long.toString(pid), "smaps_rollup"));
        String smaps = Files.readString(Path.of("/proc", Long.toString(pid), "smaps"));
        return parse(rollup, smaps, templateMemoryDir.toString() + "/");
    }

    static Figures parse(String rollup, String smaps, String templatePrefix) {
        long rss = 0;
        long pss = 0;
        long privateKiB = 0;
        for (String line : rollup.split("\n")) {
            if (line.startsWith("Rss:")) {
                rss = kib(line);
            } else if (line.startsWith("Pss:")) {
                pss = kib(line);
            } else if (line.startsWith("Private_Clean:") || line.startsWith("Private_Dirty:")) {
                privateKiB += kib(line);
            }
        }
        long sharedKiB = 0;
        boolean inTemplateMapping = false;
        long mappingRss = 0;
        for (String line : smaps.split("\n")) {
            if (isMappingHeader(line)) {
                inTemplateMapping = line.contains(" " + templatePrefix);
                mappingRss = 0;
            } else if (inTemplateMapping && line.startsWith("Rss:")) {
                mappingRss = kib(line);
            } else if (inTemplateMapping && line.startsWith("Anonymous:")) {
                // in a private file mapping, anonymous pages are the clone's copy-on-write copies; the rest is the template's
                sharedKiB += Math.max(0, mappingRss - kib(line));
            }
        }
        return new Figures(rss / KIB_PER_MIB, pss / KIB_PER_MIB, privateKiB / KIB_PER_MIB, sharedKiB / KIB_PER_MIB);
    }

    private static boolean isMappingHeader(String line) {
        int dash = line.indexOf('-');
        int space = line.indexOf(' ');
        return dash > 0 && space > dash && !line.substring(0, space).contains(":");
    }

    private static long kib(String line) {
        String[] parts = line.trim().split("\\s+");
        return parts.length >= 2 ? Long.parseLong(parts[1]) : 0;
    }
}
