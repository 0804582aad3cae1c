package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClaimFilesTest {
    private static ClaimFiles of(String data, String directory) throws Exception {
        return ClaimFiles.of(Json.MAPPER.readTree("{\"uid\":\"u\",\"name\":\"n\",\"namespace\":\"ns\",\"secretResourceVersion\":\"7\",\"data\":{"
                + data + "}}"), directory);
    }

    @Test
    void dataFirstInKeyOrderThenIdentityAndReadyLast() throws Exception {
        ClaimFiles files = of("\"b\":\"Yg==\",\"a.txt\":\"YQ==\"", "/run/vmt");
        assertEquals(List.of("/run/vmt/data/a.txt", "/run/vmt/data/b", "/run/vmt/name", "/run/vmt/namespace", "/run/vmt/uid", "/run/vmt/ready"),
                files.files().stream().map(ClaimFiles.GuestFile::path).toList());
        assertEquals(List.of("a", "b", "n\n", "ns\n", "u\n", "u\n"), files.files().stream()
                .map(f -> new String(f.content(), StandardCharsets.UTF_8)).toList());
        assertEquals("/run/vmt/data", files.dataDirectory());
        assertEquals("7", files.secretResourceVersion());
    }

    @Test
    void noSecretStillDeliversTheIdentity() throws Exception {
        assertEquals(4, of("", "/run/vmt").files().size());
    }

    @Test
    void keysAndDirectoriesThatCouldLeaveTheDirectoryAreRefused() {
        assertEquals("data key '..' is not a Secret key", assertThrows(IllegalArgumentException.class, () -> of("\"..\":\"\"", "/d")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> of("\".\":\"\"", "/d"));
        assertThrows(IllegalArgumentException.class, () -> of("\"a/b\":\"\"", "/d"));
        assertThrows(InvalidSpecException.class, () -> of("", "/run/../etc"));
        assertThrows(InvalidSpecException.class, () -> of("", "relative"));
        assertThrows(IllegalArgumentException.class, () -> ClaimFiles.of(Json.MAPPER.readTree("{\"uid\":\"u\"}"), "/d"));
    }
}
