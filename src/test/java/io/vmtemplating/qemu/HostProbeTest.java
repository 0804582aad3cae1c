package io.vmtemplating.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HostProbeTest {
    @Test
    void readsTheVersionFromQemuVersionOutput() {
        assertEquals("10.0.2", HostProbe.parseVersion("QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)\n"
                + "Copyright (c) 2003-2025 Fabrice Bellard and the QEMU Project developers\n"));
        assertEquals("7.2.15", HostProbe.parseVersion("QEMU emulator version 7.2.15 (Debian 1:7.2+dfsg-7+deb12u13)"));
        assertThrows(IllegalStateException.class, () -> HostProbe.parseVersion("bash: qemu: not found"));
    }
}
