package io.vmtemplating.api.v1alpha1;

/** The API group and version both kinds live in. */
public final class ApiGroup {
    public static final String GROUP = "vmtemplating.io";
    public static final String VERSION = "v1alpha1";
    public static final String API_VERSION = GROUP + "/" + VERSION;

    private ApiGroup() {
    }
}
