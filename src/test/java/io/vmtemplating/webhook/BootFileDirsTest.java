package io.vmtemplating.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BootFileDirsTest {

    @Test
    void theSettingIsACommaSeparatedList() {
        BootFileDirs dirs = BootFileDirs.parse(" /srv/guests , /var/lib/vmtemplating/guest,");
        assertEquals(List.of("/srv/guests", "/var/lib/vmtemplating/guest"), dirs.dirs());
        assertEquals("/srv/guests,/var/lib/vmtemplating/guest", dirs.commaSeparated());
        assertEquals(dirs, BootFileDirs.parse(dirs.commaSeparated()));
    }

    @Test
    void aFileIsInsideOneOfThemOrNot() {
        BootFileDirs dirs = BootFileDirs.parse("/srv/guests,/opt/images");
        assertEquals(Optional.of("/opt/images"), dirs.containing("/opt/images/debian/vmlinuz"));
        assertEquals(Optional.of("debian/vmlinuz"), dirs.relativePath("/opt/images/debian/vmlinuz"));
        assertEquals(Optional.empty(), dirs.containing("/opt/images"));
        assertEquals(Optional.empty(), dirs.containing("/opt/images/"));
        assertEquals(Optional.empty(), dirs.containing("/opt/images-old/vmlinuz"));
        assertEquals(Optional.empty(), dirs.containing("/etc/shadow"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "/|vmt.boot-file-dirs: '/' would allow every file of the node; name the directory that holds guest images",
        "guests|vmt.boot-file-dirs: 'guests' is not an absolute path; write e.g. /var/lib/vmtemplating/guest",
        "/srv/../etc|vmt.boot-file-dirs: '/srv/../etc' is not normalized; write it as /etc",
        "/etc/guests|vmt.boot-file-dirs: '/etc/guests' overlaps /etc (host secrets, devices, runtime data or template memory); keep guest images in a directory of their own",
        "/var|vmt.boot-file-dirs: '/var' overlaps /var/run (host secrets, devices, runtime data or template memory); keep guest images in a directory of their own",
        "/var/lib/vmtemplating|vmt.boot-file-dirs: '/var/lib/vmtemplating' overlaps /var/lib/vmtemplating/templates (host secrets, devices, runtime data or template memory); keep guest images in a directory of their own",
        "/var/lib/containerd/guest|vmt.boot-file-dirs: '/var/lib/containerd/guest' overlaps /var/lib/containerd (host secrets, devices, runtime data or template memory); keep guest images in a directory of their own",
    })
    void anAdminsMistakeIsNamed(String dir, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> BootFileDirs.parse(dir)).getMessage());
    }

    @Test
    void anEmptyListIsRefused() {
        assertEquals("vmt.boot-file-dirs is empty; name at least one node directory for guest images, e.g. /var/lib/vmtemplating/guest",
                assertThrows(IllegalArgumentException.class, () -> BootFileDirs.parse(" , ")).getMessage());
    }
}
