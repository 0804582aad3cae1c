package io.vmtemplating.qemu;

/** A frozen template: its metadata (also on disk) and how long the freeze took. */
public record FreezeResult(TemplateMetadata metadata, long freezeMillis) {
}
