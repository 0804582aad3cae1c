package io.vmtemplating.webhook;

import java.util.OptionalLong;

/**
 * Memory quantities as the API writes them ({@code 512Mi}, {@code 2Gi}; {@code 0} where allowed), in MiB.
 * The schema pattern already limits them, but the validators must also stand on their own (vmt validate, the
 * mock API server and an object that slipped past the schema), so a malformed size is a violation, not a crash.
 */
final class Sizes {


    private Sizes() {
    }

    /** The size in MiB, or empty when the text is not a Mi/Gi quantity (or "0" when zero is allowed). */
    static OptionalLong mebibytes(String quantity, boolean zeroAllowed) {
        if (!zeroAllowed && "0".equals(quantity)) {
            return OptionalLong.empty();
        }
        return io.vmtemplating.api.v1alpha1.types.Quantities.mebibytes(quantity);
    }

    /** MiB back to the shortest quantity the API accepts, for messages. */
    static String format(long mebibytes) {
        if (mebibytes == 0) {
            return "0";
        }
        return mebibytes % 1024 == 0 ? (mebibytes / 1024) + "Gi" : mebibytes + "Mi";
    }

    static String notAQuantity(String value, boolean zeroAllowed) {
        return "\"" + value + "\" is not a size in Mi or Gi; write a whole number of Mi or Gi, e.g. 512Mi"
                + (zeroAllowed ? " (or 0)" : "");
    }
}
