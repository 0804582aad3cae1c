package io.vmtemplating.webhook;

import io.vmtemplating.api.v1alpha1.types.FreezeSpec;
import io.vmtemplating.api.v1alpha1.types.FreezeTrigger;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * spec.freeze: the trigger's own field must be set (the CEL rules), the pattern must compile, the SerialConsole trigger
 * needs the console, and capabilities.
 */
final class FreezeRules {

    private FreezeRules() {
    }

    /** @param serialConsole spec.devices.serialConsole (null: the default, true) */
    static void check(FreezeSpec freeze, Boolean serialConsole, Violations out) {
        if (freeze == null) {
            return;
        }
        FreezeTrigger trigger = freeze.trigger() == null ? FreezeTrigger.SerialConsole : freeze.trigger();
        if (trigger == FreezeTrigger.SerialConsole && Boolean.FALSE.equals(serialConsole)) {
            out.add("spec.devices.serialConsole", "is false but freeze.trigger is SerialConsole, which reads the console;"
                    + " set serialConsole true or use another trigger (Delay, GuestAgent, Manual)");
        }
        if (trigger == FreezeTrigger.SerialConsole && freeze.serialConsolePattern() == null) {
            out.add("spec.freeze.serialConsolePattern", "is required when freeze.trigger is SerialConsole;"
                    + " set a regular expression the guest prints when ready, e.g. READY");
        }
        if (trigger == FreezeTrigger.Delay && freeze.delaySeconds() == null) {
            out.add("spec.freeze.delaySeconds", "is required when freeze.trigger is Delay; set the seconds to wait");
        }
        if (freeze.serialConsolePattern() != null) {
            try {
                Pattern.compile(freeze.serialConsolePattern());
            } catch (PatternSyntaxException e) {
                out.add("spec.freeze.serialConsolePattern", "is not a valid regular expression ("
                        + e.getDescription() + "); fix or quote it");
            }
        }
        MigrationCapabilityRule.check(freeze.migrationCapabilities(), "spec.freeze.migrationCapabilities", out);
    }
}
