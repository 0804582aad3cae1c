package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** When and how the template is frozen: stop, save device state with x-ignore-shared, quit. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.trigger != 'SerialConsole' || has(self.serialConsolePattern)",
        message = "freeze.serialConsolePattern is required when freeze.trigger is SerialConsole")
@ValidationRule(value = "self.trigger != 'Delay' || has(self.delaySeconds)",
        message = "freeze.delaySeconds is required when freeze.trigger is Delay")
public record FreezeSpec(
        @Default("SerialConsole")
        @JsonPropertyDescription("SerialConsole (a console line matches serialConsolePattern), Delay (delaySeconds after start), GuestAgent (qemu-guest-agent answers), or Manual (annotation vmtemplating.io/freeze=now).")
        FreezeTrigger trigger,
        @Size(max = 512)
        @JsonPropertyDescription("Java regular expression searched in each serial console line, e.g. 'login:' or 'READY'.")
        String serialConsolePattern,
        @Min(0) @Max(86400)
        @JsonPropertyDescription("Seconds after QEMU started, for trigger Delay.")
        Integer delaySeconds,
        @Default("600") @Min(1) @Max(86400)
        @JsonPropertyDescription("The template fails if it is not frozen this many seconds after QEMU started.")
        Integer timeoutSeconds,
        @JsonPropertyDescription("Extra migration capabilities for the state save, besides x-ignore-shared (which is always on). Anything that discards RAM (release-ram, postcopy-ram) is rejected.")
        List<@Pattern("^[a-z0-9-]{1,64}$") String> migrationCapabilities) {
}
