package io.vmtemplating.qemu.qmp;

/** QEMU answered a command with {"error": {"class": ..., "desc": ...}}. */
public final class QmpError extends QmpException {
    private final String command;
    private final String errorClass;
    private final String desc;

    public QmpError(String command, String errorClass, String desc) {
        super("QMP " + command + " failed: " + errorClass + ": " + desc);
        this.command = command;
        this.errorClass = errorClass;
        this.desc = desc;
    }

    public String command() {
        return command;
    }

    /** e.g. "GenericError", "CommandNotFound", "DeviceNotFound" */
    public String errorClass() {
        return errorClass;
    }

    public String desc() {
        return desc;
    }
}
