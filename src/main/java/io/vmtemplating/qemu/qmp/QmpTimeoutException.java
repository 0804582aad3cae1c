package io.vmtemplating.qemu.qmp;

/** A connect, command or event wait did not finish before its deadline. */
public final class QmpTimeoutException extends QmpException {
    public QmpTimeoutException(String message) {
        super(message);
    }
}
