package io.vmtemplating.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The CPU model a copy records: the template's -cpu, or QEMU's default. */
class CpuModelTest {

    @Test
    void withoutACpuArgumentQemusDefaultModel() {
        assertEquals("qemu64", CpuModel.of(null));
        assertEquals("qemu64", CpuModel.of(List.of("-smp", "2")));
    }

    @Test
    void theLastCpuArgumentNamesTheModelWithoutItsFlags() {
        assertEquals("Skylake-Server", CpuModel.of(List.of("-cpu", "qemu64", "-cpu", "Skylake-Server,-hle")));
    }
}
