package io.vmtemplating.api.v1alpha1.types;

/** When the launcher freezes the booted template. */
public enum FreezeTrigger {
    /** A line of the guest's serial console matches freeze.serialConsolePattern. */
    SerialConsole,
    /** freeze.delaySeconds after QEMU started. */
    Delay,
    /** The QEMU guest agent answers a ping (the guest runs qemu-guest-agent on virtio-serial). */
    GuestAgent,
    /** The user sets the annotation vmtemplating.io/freeze=now on the VmTemplate. */
    Manual
}
