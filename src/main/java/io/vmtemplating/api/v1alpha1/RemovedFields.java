package io.vmtemplating.api.v1alpha1;

import java.util.Map;
import java.util.Optional;

/**
 * Fields v1alpha1 once had and has no more, each with what to do instead. The API server only says "unknown field"
 * (kubectl's strict field validation) or drops it with a warning (clients that ask for none); `vmt validate` adds
 * the reason and the fix.
 */
public final class RemovedFields {

    private static final Map<String, String> FIXES = Map.of(
            "VmTemplate spec.launcherImage",
            "was removed: every launcher and cleanup pod runs the image the cluster admin configured (operator setting"
                    + " vmt.launcher-image), never one a template names; delete this field");

    private RemovedFields() {
    }

    /** What to tell the author of a {@code kind} that sets {@code fieldPath} (e.g. "spec.launcherImage"), if it was removed. */
    public static Optional<String> fix(String kind, String fieldPath) {
        return Optional.ofNullable(FIXES.get(kind + " " + fieldPath));
    }
}
