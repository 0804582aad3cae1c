package io.vmtemplating.launcher;

import java.util.Locale;

/**
 * The launcher's /metrics in Prometheus' text exposition format 0.0.4: gauges without labels (Prometheus adds the
 * pod's namespace and name when it scrapes), base units (seconds, bytes), names under {@code vmtemplating_launcher_},
 * so they never collide with the operator's families of the same facts. No client library: the launcher stays a
 * JDK-only program (docs/launcher.md).
 */
final class MetricsPage {
    /** What Prometheus asks for and what it expects back for this format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder text = new StringBuilder();

    /** @param help one line; a backslash or line break would end it early, so both are escaped as the format says */
    MetricsPage gauge(String name, String help, double value) {
        text.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(format(value)).append('\n');
        return this;
    }

    private static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? String.format(Locale.ROOT, "%d", (long) value) : Double.toString(value);
    }

    String text() {
        return text.toString();
    }
}
