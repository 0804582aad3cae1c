package io.vmtemplating.qemu.qmp;

/** The QMP connection ended (QEMU quit or died) while a reply or event was awaited. */
public final class QmpClosedException extends QmpException {
    public QmpClosedException(String message) {
        super(message);
    }

    public QmpClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
