package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PodPathsTest {
    private static final PodPaths MAP = PodPaths.parse(
            "/vmt/memory=/dev/shm/t1:/vmt/boot/kernel=/srv/vmlinuz:/vmt/boot=/srv/boot/:/vmt/run=/tmp/r:/dev/termination-log=/tmp/term");

    @ParameterizedTest
    @CsvSource({
            "/vmt/memory,              /dev/shm/t1",
            "/vmt/memory/pc.ram,       /dev/shm/t1/pc.ram",
            "/vmt/memoryx/pc.ram,      /vmt/memoryx/pc.ram",
            "/vmt/boot/kernel,         /srv/vmlinuz",
            "/vmt/boot/kernel/a/b,     /srv/vmlinuz/a/b",
            "/vmt/boot/initrd,         /srv/boot/initrd",
            "/vmt/state/state,         /vmt/state/state",
            "/dev/termination-log,     /tmp/term",
    })
    void resolvesThroughTheLongestPrefix(String podPath, String expected) {
        assertEquals(expected, MAP.resolveString(podPath));
    }

    @Test
    void noMapIsTheIdentity() {
        assertEquals("/vmt/run/qmp.sock", PodPaths.parse(null).resolveString("/vmt/run/qmp.sock"));
        assertEquals("/vmt/run/qmp.sock", PodPaths.parse("").resolveString("/vmt/run/qmp.sock"));
    }

    @Test
    void rootMapsEverything() {
        assertEquals("/chroot/vmt/run", PodPaths.parse("/=/chroot").resolveString("/vmt/run"));
        assertEquals("/vmt/run", PodPaths.parse("/x=/").resolveString("/vmt/run"));
    }

    @Test
    void malformedEntriesNameTheVariable() {
        assertEquals("VMT_PATH_MAP: entry '/vmt/run' is not podPath=hostPath",
                assertThrows(IllegalArgumentException.class, () -> PodPaths.parse("/vmt/run")).getMessage());
        assertEquals("VMT_PATH_MAP: entry 'vmt=/x' needs two absolute paths",
                assertThrows(IllegalArgumentException.class, () -> PodPaths.parse("vmt=/x")).getMessage());
    }
}
