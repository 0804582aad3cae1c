package io.vmtemplating.launcher;

/** A spec the launcher cannot run; no retry helps (outcome InvalidSpec, exit code 2). The message names the field. */
public final class InvalidSpecException extends RuntimeException {
    private final String field;

    public InvalidSpecException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
