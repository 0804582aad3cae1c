package io.vmtemplating.qemu.qmp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An asynchronous QMP event such as STOP, RESUME, SHUTDOWN or MIGRATION.
 *
 * @param data the event's "data" object (an empty object when QEMU sent none)
 */
public record QmpEvent(String name, JsonNode data, long timestampMicros) {
}
