package io.vmtemplating.launcher;

import io.vmtemplating.api.v1alpha1.types.FreezeTrigger;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * When a template is frozen, as rendered from spec.freeze.
 *
 * @param consolePattern SerialConsole only (else null)
 * @param delay          Delay only (else null), counted from QEMU's start
 * @param timeout        the build fails if the trigger has not fired this long after QEMU's start
 */
public record FreezePlan(FreezeTrigger trigger, Pattern consolePattern, Duration delay, Duration timeout) {
}
