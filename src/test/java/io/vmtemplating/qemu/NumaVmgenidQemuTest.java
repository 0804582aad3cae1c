package io.vmtemplating.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One template with two NUMA memory backends and vmgenid, on Debian's generic kernel (the cloud kernel has no
 * vmgenid driver). Clones restore both backends, and reseed their RNG, so they print different random bytes.
 */
@Tag("qemu")
class NumaVmgenidQemuTest {
    @TempDir
    static Path work;
    private static QemuTestSupport.FrozenTemplate template;

    @BeforeAll
    static void bootAndFreezeTemplate() throws IOException {
        VmDefinition vm = new VmDefinition("q35", 1, 384, MemoryBackendKind.TMPFS, 0, List.of(256L, 128L), TestGuest.genericKernel(),
                new VmDefinition.Network(false), null, null, true, true, true, List.of(), List.of());
        template = QemuTestSupport.bootAndFreezeInShm("numa+vmgenid", vm, work);
    }

    @AfterAll
    static void removeTemplateMemory() throws IOException {
        QemuTestSupport.removeMemory(template);
    }

    @Test
    void twoClonesOfTwoNumaBackendsContinueWithDifferentRandomness() throws IOException {
        assertEquals(List.of(new TemplateMetadata.MemoryFile("ram-node0", 256L << 20), new TemplateMetadata.MemoryFile("ram-node1", 128L << 20)),
                template.freeze().metadata().memoryFiles());
        String[] random = new String[2];
        for (int i = 0; i < 2; i++) {
            NodePaths paths = QemuTestSupport.clonePaths(template.paths(), work.resolve("run-clone-" + i));
            try (RestoredClone clone = new CloneRestorer(QemuLauncher.processes(), QemuTestSupport.QMP_TIMEOUT)
                    .restore(template.vm(), paths, TestHost.facts(), CloneAdditions.NONE);
                    SerialConsole console = SerialConsole.connect(paths.serialSocket(), QemuTestSupport.QMP_TIMEOUT)) {
                System.out.printf("[numa+vmgenid] %s clone %d restored in %d ms vs cold boot %d ms%n", TestHost.accelName(), i,
                        clone.timings().restoreMillis(), template.bootMillis());
                assertEquals(2, clone.qmp().execute("query-memdev").size(), "both NUMA backends are there");
                GuestAnswer answer = GuestAnswer.ask(console, "ping", QemuTestSupport.ANSWER_TIMEOUT);
                assertEquals(template.lastAnswer().counter() + 1, answer.counter());
                assertEquals(template.lastAnswer().patternSum(), answer.patternSum());
                random[i] = answer.randomHex();
            }
        }
        // without vmgenid both clones continue from the same RNG state and print the same bytes (QEMU.md)
        assertNotEquals(random[0], random[1], "vmgenid made the clones reseed their RNG");
    }
}
