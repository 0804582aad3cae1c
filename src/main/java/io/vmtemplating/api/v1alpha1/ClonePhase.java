package io.vmtemplating.api.v1alpha1;

/** Lifecycle of a VmClone. */
public enum ClonePhase {
    Pending, Restoring, Running, Paused, Succeeded, Failed
}
