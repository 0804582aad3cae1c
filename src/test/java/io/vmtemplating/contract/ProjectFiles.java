package io.vmtemplating.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Locates the checked-in files of the repository (tests run with the project root as working directory). */
final class ProjectFiles {
    static final Path ROOT = Path.of("").toAbsolutePath();

    private ProjectFiles() {
    }

    static List<Path> yamlFilesUnder(String dir) {
        try (Stream<Path> files = Files.walk(ROOT.resolve(dir))) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String relative(Path file) {
        return ROOT.relativize(file).toString();
    }
}
