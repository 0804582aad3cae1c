package io.vmtemplating.api.v1alpha1;

/** Lifecycle of a VmTemplate. */
public enum TemplatePhase {
    Pending, Booting, Freezing, Ready, Failed, Deleting
}
