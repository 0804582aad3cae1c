package io.vmtemplating.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A QEMU process's memory from /proc: smaps_rollup for the totals, smaps for the split between the guest's
 * copy-on-write pages (inside the private mappings of the template's memory files) and QEMU's own memory (outside
 * them). docs/metrics.md says what each figure holds and what it leaves out.
 */
public final class ProcessMemory {
    private static final long KIB_PER_MIB = 1024;

    /**
     * @param privateMiB            every page only this process maps: guest copies, QEMU's heap, and (with one clone)
     *                              even the template file's and QEMU binary's pages; kept for compatibility
     * @param sharedWithTemplateMiB resident template pages not copied on write
     * @param guestPrivateMiB       the guest's copy-on-write copies of template pages (anonymous pages in the template mappings)
     * @param qemuOverheadMiB       QEMU's own anonymous memory outside the template mappings: heap, TCG code cache, stacks
     */
    public record Figures(long rssMiB, long pssMiB, long privateMiB, long sharedWithTemplateMiB, long guestPrivateMiB,
            long qemuOverheadMiB) {
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
        long rss = field(rollup, "Rss:");
        long pss = field(rollup, "Pss:");
        long privateKiB = field(rollup, "Private_Clean:") + field(rollup, "Private_Dirty:");
        // every anonymous page is either a guest copy inside a template mapping or QEMU's own. Not file pages outside
        // them: QEMU's binary and libraries count as private while one clone runs, yet are page cache all clones share.
        // Huge pages are in none of these figures (a hugetlbfs clone's copies: the node's HugePages counters).
        long anonymousKiB = field(rollup, "Anonymous:");
        long sharedKiB = 0;
        long guestKiB = 0;
        boolean inTemplateMapping = false;
        long mappingRss = 0;
        for (String line : smaps.split("\n")) {
            if (isMappingHeader(line)) {
                inTemplateMapping = line.contains(" " + templatePrefix);
                mappingRss = 0;
            } else if (!inTemplateMapping) {
                continue;
            } else if (line.startsWith("Rss:")) {
                mappingRss = kib(line);
            } else if (line.startsWith("Anonymous:")) {
                // in a private file mapping, anonymous pages are the clone's copy-on-write copies; the rest is the template's
                sharedKiB += Math.max(0, mappingRss - kib(line));
                guestKiB += kib(line);
            }
        }
        return new Figures(rss / KIB_PER_MIB, pss / KIB_PER_MIB, privateKiB / KIB_PER_MIB, sharedKiB / KIB_PER_MIB,
                guestKiB / KIB_PER_MIB, Math.max(0, anonymousKiB - guestKiB) / KIB_PER_MIB);
    }

    /** A "Name:   123 kB" line's number, 0 when the text has no such line. */
    private static long field(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name)) {
                return kib(line);
            }
        }
        return 0;
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
