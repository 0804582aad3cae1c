package io.vmtemplating.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VmShapeTest {
    @Test
    void ignoresRunDirAndMemoryMappingButNotSizes() {
        NodePaths otherRun = new NodePaths(Specs.PATHS.memoryDir(), Specs.PATHS.stateDir(), Path.of("/run/vmt/other-clone"));
        String template = hash(Specs.minimal(), Specs.PATHS, Role.TEMPLATE);
        assertEquals(template, hash(Specs.minimal(), otherRun, Role.CLONE));
        assertNotEquals(template, hash(Specs.withNuma(Specs.minimal(), 1, java.util.List.of(256L, 256L)), Specs.PATHS, Role.TEMPLATE));
        assertNotEquals(template, hash(Specs.allDevices(), Specs.PATHS, Role.TEMPLATE));
    }

    private static String hash(VmDefinition vm, NodePaths paths, Role role) {
        return VmShape.sha256(VmShape.normalize(QemuCommandLine.build(vm, paths, Specs.TCG, role), paths));
    }
}
