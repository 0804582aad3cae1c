package io.vmtemplating.launcher;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The launcher's termination message (JSON, under 4 KiB): what a template build or a clone run ended with.
 * {@code outcome} is "Frozen", "PoweredOff", "Failed", "TemplateFilesMissing", "InvalidSpec" or "NoMemorySpace".
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record LauncherResult(
        String outcome,
        String qemuVersion,
        Long bootMillis,
        Long freezeMillis,
        List<String> memoryFiles,
        String stateFile,
        String metadataFile,
        Long stateBytes,
        String error) {

    public static final String FROZEN = "Frozen";
    public static final String POWERED_OFF = "PoweredOff";
    public static final String FAILED = "Failed";
    public static final String TEMPLATE_FILES_MISSING = "TemplateFilesMissing";
    public static final String INVALID_SPEC = "InvalidSpec";
    /** A template build found too little free space in the node's tmpfs for the memory file (before QEMU started). */
    public static final String NO_MEMORY_SPACE = "NoMemorySpace";

    public static LauncherResult failure(String outcome, String error) {
        return new LauncherResult(outcome, null, null, null, null, null, null, null, error);
    }
}
