package io.vmtemplating.webhook;

/**
 * One broken rule: the exact field path (with list indexes, e.g. {@code spec.qemu.extraArgs[2]}) and a message
 * saying what is wrong and how to fix it.
 */
public record Violation(String fieldPath, String message) {

    /** The form users read in kubectl output and `vmt validate`: {@code field.path: what is wrong; how to fix it}. */
    public String render() {
        return fieldPath + ": " + message;
    }

    @Override
    public String toString() {
        return render();
    }
}
