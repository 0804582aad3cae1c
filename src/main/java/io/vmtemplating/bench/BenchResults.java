package io.vmtemplating.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one {@code vmt bench} run: headline figures (each with its issue-8 target, if any), the
 * machine, and details per measurement. Renders the markdown table and results.json; no I/O.
 */
public final class BenchResults {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One headline figure; {@code value} NaN when it was not measured, {@code maxTarget} NaN when none. */
    public record Figure(String key, String label, double value, double maxTarget, String targetText) {
        boolean measured() {
            return !Double.isNaN(value);
        }

        String verdict() {
            if (Double.isNaN(maxTarget)) {
                return "";
            }
            return !measured() ? "not measured" : value <= maxTarget ? "met" : "missed";
        }
    }

    private final List<Figure> figures = new ArrayList<>();
    /** The API server the operator and webhook parts ran against; null until a part says. */
    private String apiServer;
    private final Map<String, Object> machine = new LinkedHashMap<>();
    private final Map<String, Object> details = new LinkedHashMap<>();

    public BenchResults figure(String key, String label, double value) {
        return figure(key, label, value, Double.NaN, "");
    }

    public BenchResults figure(String key, String label, double value, double maxTarget, String targetText) {
        Figure figure = new Figure(key, label, value, maxTarget, targetText);
        for (int i = 0; i < figures.size(); i++) {
            if (figures.get(i).key().equals(key)) {
                figures.set(i, figure); // a figure measured again keeps its row
                return this;
            }
        }
        figures.add(figure);
        return this;
    }

    /** @param apiServer e.g. "kube-apiserver v1.34.4" or "fabric8-mock" */
    public BenchResults apiServer(String apiServer) {
        this.apiServer = apiServer;
        return this;
    }

    public BenchResults machine(String key, Object value) {
        machine.put(key, value);
        return this;
    }

    public BenchResults detail(String key, Object value) {
        details.put(key, value);
        return this;
    }

    /** A headline figure's value; NaN when it was not measured. */
    public double value(String key) {
        for (Figure figure : figures) {
            if (figure.key().equals(key)) {
                return figure.value();
            }
        }
        return Double.NaN;
    }

    public List<Figure> figures() {
        return List.copyOf(figures);
    }

    /** Headline keys at the top level (null when not measured), then the API server (when set), machine, targets and details. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        for (Figure f : figures) {
            if (f.measured()) {
                root.put(f.key(), round(f.value()));
            } else {
                root.putNull(f.key());
            }
        }
        if (apiServer != null) {
            root.put("apiServer", apiServer);
        }
        root.set("machine", JSON.valueToTree(machine));
        ObjectNode targets = root.putObject("targets");
        for (Figure f : figures) {
            if (!Double.isNaN(f.maxTarget())) {
                targets.putObject(f.key()).put("max", round(f.maxTarget())).put("text", f.targetText()).put("verdict", f.verdict());
            }
        }
        root.set("details", JSON.valueToTree(details));
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("maps of numbers and strings always serialize", e);
        }
    }

    /** | measure | key | value | target | | table, then a line naming the API server (when set) and one naming the machine. */
    public String toMarkdown() {
        StringBuilder table = new StringBuilder("| measure | key | value | target | |\n|---|---|---|---|---|\n");
        for (Figure f : figures) {
            table.append("| ").append(f.label()).append(" | `").append(f.key()).append("` | ")
                    .append(f.measured() ? format(f.value()) : "n/a").append(" | ").append(f.targetText()).append(" | ")
                    .append(f.verdict()).append(" |\n");
        }
        if (apiServer != null) {
            table.append("\nAPI server of the operator and webhook parts: ").append(apiServer).append("\n");
        }
        if (!machine.isEmpty()) {
            table.append(apiServer != null ? "" : "\n").append("Machine: ");
            List<String> parts = new ArrayList<>();
            machine.forEach((k, v) -> parts.add(k + " " + v));
            table.append(String.join(", ", parts)).append("\n");
        }
        return table.toString();
    }

    static String format(double value) {
        double magnitude = Math.abs(value);
        if (magnitude >= 100 || value == Math.rint(value)) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        return magnitude >= 1 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%.3f", value);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
