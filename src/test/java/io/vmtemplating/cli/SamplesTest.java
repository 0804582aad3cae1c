package io.vmtemplating.cli;

import io.vmtemplating.webhook.Violation;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * samples/*.yaml and our own valid fixtures pass every rule; each samples/rejected/ file breaks exactly the
 * rule its "# rule:" comment names, with exactly the messages its "# expect:" lines state (one, or more where
 * one mistake necessarily breaks the rule twice).
 */
class SamplesTest {

    private static final Path SAMPLES = Path.of("samples");
    private static final Path VALID_FIXTURES = Path.of("src/test/resources/valid");

    @Test
    void validSamplesAreAllowed() throws Exception {
        List<Path> files = new ArrayList<>(yamlFiles(VALID_FIXTURES));
        assertTrue(files.size() >= 3, "valid fixtures missing");
        if (Files.isDirectory(SAMPLES)) {
            try (Stream<Path> walk = Files.walk(SAMPLES)) {
                walk.filter(p -> p.toString().endsWith(".yaml") && !p.startsWith(SAMPLES.resolve("rejected")))
                        .sorted().forEach(files::add);
            }
        }
        // all at once, as `vmt validate -f samples -R` would: clones meet their templates from other files
        List<ValidateCommand.Checked> results = ValidateCommand.check(ManifestFiles.read(files, false));
        for (ValidateCommand.Checked result : results) {
            assertEquals(List.of(), result.violations(), result.file() + ": " + result.kind() + "/" + result.name());
        }
    }

    @Test
    void everyRejectedSampleIsRejectedWithItsMessage() throws Exception {
        List<Path> files = yamlFiles(SAMPLES.resolve("rejected"));
        assertTrue(files.size() >= 30, "rejected samples missing");
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            assertTrue(lines.get(0).startsWith("# rule: "), file + " must start with # rule:");
            assertTrue(lines.get(1).startsWith("# expect: "), file + " must state # expect: on line 2");
            List<String> expected = lines.stream().takeWhile(l -> l.startsWith("#"))
                    .filter(l -> l.startsWith("# expect: ")).map(l -> l.substring("# expect: ".length())).toList();
            List<String> actual = ValidateCommand.check(ManifestFiles.read(List.of(file), false)).stream()
                    .flatMap(r -> r.violations().stream()).map(Violation::render).toList();
            assertFalse(actual.isEmpty(), file + " was allowed");
            assertEquals(expected, actual, file.toString());
        }
    }

    private static List<Path> yamlFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }
}
