package io.vmtemplating.qemu.qmp;

/** Anything that went wrong talking QMP: a QEMU error reply, a timeout, or a lost connection. */
public class QmpException extends RuntimeException {
    public QmpException(String message) {
        super(message);
    }

    public QmpException(String message, Throwable cause) {
        super(message, cause);
    }
}
