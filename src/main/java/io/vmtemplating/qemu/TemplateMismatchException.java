package io.vmtemplating.qemu;

/** A clone cannot be restored from this template on this node; the message names both values and the fix. */
public final class TemplateMismatchException extends RuntimeException {
    public TemplateMismatchException(String message) {
        super(message);
    }
}
