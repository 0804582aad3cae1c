package io.vmtemplating.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** For many generated definitions: clone argv = template argv except template-memory options and -incoming defer. */
class CloneArgvPropertyTest {
    private static final Set<String> MAPPING_OPTIONS = Set.of("share=on", "share=off", "readonly=on", "rom=off", "reserve=off");

    @Test
    void cloneDiffersFromTemplateOnlyInMemoryMappingAndIncoming() {
        Random random = new Random(42); // fixed seed: a failure reproduces
        for (int run = 0; run < 2000; run++) {
            VmDefinition vm = generate(random);
            HostFacts host = random.nextBoolean() ? Specs.KVM : Specs.TCG;
            List<String> template = QemuCommandLine.build(vm, Specs.PATHS, host, Role.TEMPLATE);
            List<String> clone = new ArrayList<>(QemuCommandLine.build(vm, Specs.PATHS, host, Role.CLONE));

            int incoming = clone.indexOf("-incoming");
            assertEquals("defer", clone.get(incoming + 1), vm.toString());
            clone.subList(incoming, incoming + 2).clear();
            assertEquals(template.size(), clone.size(), vm.toString());
            for (int i = 0; i < template.size(); i++) {
                if (template.get(i).equals(clone.get(i))) {
                    continue;
                }
                assertEquals("-object", template.get(i - 1), "only -object values may differ: " + vm);
                assertEquals(withoutMapping(template.get(i)), withoutMapping(clone.get(i)), vm.toString());
                assertTrue(template.get(i).endsWith(",share=on"), template.get(i));
                assertTrue(clone.get(i).contains(",share=off,readonly=on,rom=off"), clone.get(i));
                assertEquals(vm.backend() == MemoryBackendKind.HUGETLBFS, clone.get(i).endsWith(",reserve=off"), clone.get(i));
            }
            assertEquals(VmShape.sha256(VmShape.normalize(template, Specs.PATHS)),
                    VmShape.sha256(VmShape.normalize(QemuCommandLine.build(vm, Specs.PATHS, host, Role.CLONE), Specs.PATHS)));
        }
    }

    private static String withoutMapping(String objectValue) {
        return Arrays.stream(objectValue.split(",")).filter(o -> !MAPPING_OPTIONS.contains(o)).collect(Collectors.joining(","));
    }

    private static VmDefinition generate(Random random) {
        boolean huge = random.nextBoolean();
        long pageKiB = huge ? (random.nextInt(4) == 0 ? 1048576 : 2048) : 0;
        long unitMiB = huge ? pageKiB / 1024 : 64;
        int nodes = random.nextInt(4);
        List<Long> numa = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            numa.add(unitMiB * (1 + random.nextInt(8)));
        }
        long memoryMiB = nodes == 0 ? unitMiB * (1 + random.nextInt(16)) : numa.stream().mapToLong(Long::longValue).sum();
        String disk = random.nextBoolean() ? "/images/d" + random.nextInt(9) + ".img" : null;
        return new VmDefinition(random.nextBoolean() ? "q35" : "pc", 1 + random.nextInt(8), memoryMiB,
                huge ? MemoryBackendKind.HUGETLBFS : MemoryBackendKind.TMPFS, pageKiB, numa,
                new VmDefinition.Boot(random.nextBoolean() ? "/k" : null, random.nextBoolean() ? "/i" : null,
                        random.nextBoolean() ? "console=ttyS0" : null, disk, disk == null ? null : "raw"),
                new VmDefinition.Network(random.nextBoolean()),
                random.nextBoolean() ? new VmDefinition.Balloon(random.nextInt(10)) : null,
                random.nextBoolean() ? new VmDefinition.VirtioMem(128L * (1 + random.nextInt(4)), 2) : null,
                random.nextBoolean(), random.nextBoolean(), true,
                random.nextBoolean() ? List.of("-cpu", "qemu64") : List.of(), List.of());
    }
}
