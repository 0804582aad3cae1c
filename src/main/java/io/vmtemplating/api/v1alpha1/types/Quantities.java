package io.vmtemplating.api.v1alpha1.types;

/** The memory quantity syntax the API accepts: whole mebibytes or gibibytes. */
public final class Quantities {
    /** Kubernetes quantities restricted to Mi and Gi, so a size always maps to whole MiB for QEMU. */
    public static final String MEBI_GIBI_PATTERN = "^[1-9][0-9]{0,6}(Mi|Gi)$";
    public static final String MEBI_GIBI_OR_ZERO_PATTERN = "^(0|[1-9][0-9]{0,6}(Mi|Gi))$";

    private Quantities() {
    }
}
