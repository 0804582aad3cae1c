package io.vmtemplating.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A /metrics page as Prometheus reads it: github.com/prometheus/common's text parser and client_golang's promlint, as
 * hack/promtext builds them (`make promtext`, cached). A page that does not parse fails the test with the parser's words.
 */
public final class PromText {
    /** One series: its labels and its value (counter, gauge), or count, sum and cumulative buckets by {@code le}. */
    public record Series(Map<String, String> labels, double value, long count, double sum, Map<String, Long> buckets) {
    }

    /** @param type COUNTER, GAUGE, HISTOGRAM, SUMMARY or UNTYPED, as the page's {@code # TYPE} says */
    public record Family(String name, String type, String help, List<Series> series) {
        public List<Series> where(Predicate<Map<String, String>> labels) {
            return series.stream().filter(s -> labels.test(s.labels())).toList();
        }
    }

    /** A naming-convention problem promlint found (base units, _total on counters, camelCase, missing help). */
    public record Problem(String metric, String text) {
    }

    public record Page(Map<String, Family> families, List<Problem> problems) {
        public Optional<Family> family(String name) {
            return Optional.ofNullable(families.get(name));
        }
    }

    private static String binary;

    private PromText() {
    }

    public static Page parse(String page) {
        try {
            Process process = new ProcessBuilder(binary()).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(page.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new AssertionError("Prometheus' text parser refused the page: " + err + "\n" + page);
            }
            return read(new ObjectMapper().readTree(out));
        } catch (IOException e) {
            throw new IllegalStateException("promtext cannot run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Page read(JsonNode root) {
        Map<String, Family> families = new LinkedHashMap<>();
        for (JsonNode f : root.path("families")) {
            List<Series> series = new ArrayList<>();
            for (JsonNode s : f.path("series")) {
                Map<String, String> labels = new TreeMap<>();
                s.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                Map<String, Long> buckets = new TreeMap<>();
                s.path("buckets").fields().forEachRemaining(e -> buckets.put(e.getKey(), e.getValue().asLong()));
                series.add(new Series(labels, number(s.path("value")), s.path("count").asLong(0), number(s.path("sum")), buckets));
            }
            families.put(f.path("name").asText(), new Family(f.path("name").asText(), f.path("type").asText(),
                    f.path("help").asText(), series));
        }
        List<Problem> problems = new ArrayList<>();
        root.path("problems").forEach(p -> problems.add(new Problem(p.path("metric").asText(), p.path("text").asText())));
        return new Page(families, problems);
    }

    private static double number(JsonNode text) {
        return switch (text.asText("NaN")) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "", "NaN" -> Double.NaN;
            default -> Double.parseDouble(text.asText());
        };
    }

    /** hack/promtext/build.sh prints the cached binary (building it once when its sources changed). */
    private static synchronized String binary() throws IOException, InterruptedException {
        if (binary == null) {
            Process build = new ProcessBuilder("bash", "hack/promtext/build.sh").redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String path = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (build.waitFor() != 0 || path.isEmpty()) {
                throw new IllegalStateException("hack/promtext/build.sh failed (Go >= 1.24 needed)");
            }
            binary = path;
        }
        return binary;
    }
}
