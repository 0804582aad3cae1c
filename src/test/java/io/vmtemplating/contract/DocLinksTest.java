package io.vmtemplating.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every relative reference in README.md and docs/ resolves: markdown links, and docs/… paths named in the text. */
class DocLinksTest {
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern DOC_PATH = Pattern.compile("(?<![\\w/.-])(docs/[\\w.-]+\\.md)");

    @Test
    void everyRelativeReferenceResolves() throws IOException {
        List<Path> files = new ArrayList<>(List.of(ProjectFiles.ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ProjectFiles.ROOT.resolve("docs"))) {
            docs.filter(f -> f.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<String> broken = new ArrayList<>();
        for (Path file : files) {
            String text = Files.readString(file);
            Matcher link = LINK.matcher(text);
            while (link.find()) {
                String target = link.group(1).replaceFirst("#.*$", "");
                if (target.isEmpty() || target.matches("^[a-z]+:.*")) {
                    continue; // an anchor in the same file, or a URL
                }
                if (!Files.exists(file.getParent().resolve(target).normalize())) {
                    broken.add(ProjectFiles.relative(file) + ": (" + link.group(1) + ")");
                }
            }
            // docs name each other by their path from the repository root, as README does
            Matcher path = DOC_PATH.matcher(text);
            while (path.find()) {
                if (!Files.exists(ProjectFiles.ROOT.resolve(path.group(1)))) {
                    broken.add(ProjectFiles.relative(file) + ": " + path.group(1));
                }
            }
        }
        assertEquals(List.of(), broken);
    }
}
