package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** What the template boots: a kernel (with optional initrd and command line) and/or a disk. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.kernel) || has(self.disk)", message = "set boot.kernel, boot.disk or both")
@ValidationRule(value = "!has(self.initrd) || has(self.kernel)", message = "boot.initrd needs boot.kernel")
@ValidationRule(value = "!has(self.cmdline) || has(self.kernel)", message = "boot.cmdline needs boot.kernel")
public record BootSpec(
        @JsonPropertyDescription("Linux kernel to boot directly (-kernel).")
        FileSource kernel,
        @JsonPropertyDescription("Initial ramdisk for the kernel (-initrd).")
        FileSource initrd,
        @Size(max = 4096)
        @JsonPropertyDescription("Kernel command line (-append). Include console=ttyS0 to see the guest console in the pod log and to freeze on a console pattern.")
        String cmdline,
        @JsonPropertyDescription("Boot disk, attached read-only.")
        DiskSpec disk) {
}
