package io.vmtemplating.qemu;

/** A template maps its memory files shared and writes them; a clone maps them privately (copy-on-write). */
public enum Role {
    TEMPLATE,
    CLONE
}
