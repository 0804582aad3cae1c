package io.vmtemplating.qemu.qmp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The version of a running QEMU, as its QMP greeting states it (the object query-version returns, without the
 * round trip).
 *
 * @param number      "major.minor.micro": a migration stream only loads into the QEMU version that wrote it
 * @param packageName the distribution's package version ("Debian 1:10.0.2+ds-1~bpo12+1"), empty for a source build
 */
public record QemuVersion(String number, String packageName) {
    static QemuVersion of(JsonNode version) {
        JsonNode qemu = version.path("qemu");
        return new QemuVersion(qemu.path("major").asInt() + "." + qemu.path("minor").asInt() + "." + qemu.path("micro").asInt(),
                version.path("package").asText(""));
    }
}
