package io.vmtemplating.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class NodeCapacityTest {
    private static final String MEMINFO = """
            MemTotal:       24683652 kB
            MemFree:        20000000 kB
            HugePages_Total:       0
            Hugepagesize:       2048 kB
            """;
    private static final long TEN_GIB = 10L << 30;

    private static Map<String, String> text(Map<String, Quantity> quantities) {
        Map<String, String> text = new TreeMap<>();
        quantities.forEach((name, quantity) -> text.put(name, quantity.toString()));
        return text;
    }

    @Test
    void noHugePagesReservedReportsZeroForBothSizes() {
        NodeCapacity capacity = NodeCapacity.parse(2, MEMINFO,
                Map.of("hugepages-2048kB", "0\n", "hugepages-1048576kB", "0\n"), TEN_GIB);
        Map<String, String> expected = Map.of("cpu", "2", "memory", "24683652Ki", "pods", "110",
                "ephemeral-storage", "10Gi", "hugepages-2Mi", "0", "hugepages-1Gi", "0");
        assertEquals(expected, text(capacity.capacity()));
        assertEquals(expected, text(capacity.allocatable()));
    }

    @Test
    void reservedHugePagesAreTheirOwnResourceAndNotAllocatableMemory() {
        NodeCapacity capacity = NodeCapacity.parse(4, MEMINFO,
                Map.of("hugepages-2048kB", "512\n", "hugepages-1048576kB", "1\n"), TEN_GIB);
        assertEquals(Map.of("cpu", "4", "memory", "24683652Ki", "pods", "110", "ephemeral-storage", "10Gi",
                "hugepages-2Mi", "1Gi", "hugepages-1Gi", "1Gi"), text(capacity.capacity()));
        // 24683652 KiB less 2 GiB of huge pages
        assertEquals(Map.of("cpu", "4", "memory", (24683652 - 2 * 1024 * 1024) + "Ki", "pods", "110",
                "ephemeral-storage", "10Gi", "hugepages-2Mi", "1Gi", "hugepages-1Gi", "1Gi"), text(capacity.allocatable()));
    }

    @Test
    void aMachineWithoutHugePageDirectoriesStillReportsBothSizes() {
        NodeCapacity capacity = NodeCapacity.parse(1, MEMINFO, Map.of(), TEN_GIB);
        assertEquals("0", capacity.capacity().get("hugepages-2Mi").toString());
        assertEquals("0", capacity.capacity().get("hugepages-1Gi").toString());
    }

    @Test
    void otherPageSizesAndOtherEntriesOfTheDirectory() {
        NodeCapacity capacity = NodeCapacity.parse(1, MEMINFO, Map.of("hugepages-64kB", "16", "README", "x"), TEN_GIB);
        assertEquals(Map.of("hugepages-64Ki", 1L << 20, "hugepages-2Mi", 0L, "hugepages-1Gi", 0L), capacity.hugePageBytes());
    }

    @Test
    void meminfoWithoutMemTotalIsAnError() {
        var e = assertThrows(IllegalArgumentException.class, () -> NodeCapacity.parse(1, "MemFree: 1 kB\n", Map.of(), 0));
        assertEquals("no MemTotal line in /proc/meminfo", e.getMessage());
    }

    @Test
    void quantitiesInTheLargestExactBinaryUnit() {
        assertEquals("0", NodeCapacity.binary(0));
        assertEquals("1536", NodeCapacity.binary(1536));
        assertEquals("3Ki", NodeCapacity.binary(3072));
        assertEquals("1536Mi", NodeCapacity.binary(1536L << 20));
        assertEquals("1Gi", NodeCapacity.binary(1L << 30));
        assertEquals("2Ti", NodeCapacity.binary(2L << 40));
    }

    @Test
    void thisMachine() throws Exception {
        NodeCapacity capacity = NodeCapacity.ofThisMachine(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")));
        assertEquals(Runtime.getRuntime().availableProcessors(), capacity.cpus());
        org.junit.jupiter.api.Assertions.assertTrue(capacity.memoryBytes() > 0 && capacity.ephemeralStorageBytes() > 0,
                capacity::toString);
    }
}
