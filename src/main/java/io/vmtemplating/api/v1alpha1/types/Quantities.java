package io.vmtemplating.api.v1alpha1.types;

/** The memory quantity syntax the API accepts: whole mebibytes or gibibytes. */
public final class Quantities {
    /** Kubernetes quantities restricted to Mi and Gi, so a size always maps to whole MiB for QEMU. */
    public static final String MEBI_GIBI_PATTERN = "^[1-9][0-9]{0,6}(Mi|Gi)$";
    public static final String MEBI_GIBI_OR_ZERO_PATTERN = "^(0|[1-9][0-9]{0,6}(Mi|Gi))$";

    private static final java.util.regex.Pattern MEBI_GIBI = java.util.regex.Pattern.compile("([1-9][0-9]{0,6})(Mi|Gi)");

    private Quantities() {
    }

    /**
     * The one reader of these quantities (webhook, reconcilers and launcher all call it): "512Mi" → 512,
     * "2Gi" → 2048, "0" → 0; empty for anything else, so each caller words its own error.
     */
    public static java.util.OptionalLong mebibytes(String quantity) {
        if (quantity == null) {
            return java.util.OptionalLong.empty();
        }
        if (quantity.equals("0")) {
            return java.util.OptionalLong.of(0);
        }
        java.util.regex.Matcher m = MEBI_GIBI.matcher(quantity);
        if (!m.matches()) {
            return java.util.OptionalLong.empty();
        }
        long number = Long.parseLong(m.group(1));
        return java.util.OptionalLong.of(m.group(2).equals("Gi") ? number * 1024 : number);
    }
}
