package io.vmtemplating.contract;

import java.util.ArrayList;
import java.util.List;

/**
 * One-line YAML spellings that mean something else than they look, in files as a pipeline writes them: kubectl
 * reads YAML with go-yaml v2's rules (y/n and on/off are booleans, 0o17 and 017 octal, 1_000 an int, ~ null, a
 * date a string), so `vmt validate` must read them the same way. Each with the verdict kubectl apply gets.
 */
public final class YamlForms {

    /** A file's text and the verdict kubectl apply gets for it. */
    public record Form(String id, GeneratedSpecs.Expect expect, String what, String yaml) {
    }

    private static final String CLONE = """
            apiVersion: vmtemplating.io/v1alpha1
            kind: VmClone
            metadata:
              name: %s
            spec:
              templateRef: {name: absent-template}
              %s
            """;
    private static final String TEMPLATE = """
            apiVersion: vmtemplating.io/v1alpha1
            kind: VmTemplate
            metadata:
              name: %s
            spec:
              memory: {size: 512Mi}
              freeze: {serialConsolePattern: READY}
              boot:
                kernel: {hostPath: {path: /var/lib/vmtemplating/guest/vmlinuz}}
                %s
            """;

    private YamlForms() {
    }

    public static List<Form> all() {
        List<Form> forms = new ArrayList<>();
        clone(forms, "ADMITTED", "running: y", "running: N", "running: off", "cpus: 0o77", "cpus: 0100", "cpus: 0x40",
                "cpus: 6_4", "cpus: +64", "cpus: 64.0", "cpus: ~", "machine: !!str q35", "cpus: 65\n  cpus: 2");
        clone(forms, "REFUSED", "running: 'y'", "cpus: 0o101", "cpus: 0b1000001", "cpus: .5", "cpus: 1:00", "cpus: !!str 4",
                "cpus: \"4\"", "machine: 2001-12-14", "cpus: 2\n  cpus: 65");
        // boot.cmdline: a string field without a pattern, so only the YAML type decides the verdict
        template(forms, "ADMITTED", "cmdline: 'y'", "cmdline: 2001-12-14", "cmdline: null",
                "cmdline: 0b", "cmdline: yes please", "cmdline: 1.2.3");
        template(forms, "REFUSED", "cmdline: y", "cmdline: On", "cmdline: 0o12", "cmdline: .inf",
                "cmdline: 12e3", "cmdline: 1_000", "cmdline: 017");
        return List.copyOf(forms);
    }

    private static void clone(List<Form> forms, String expect, String... lines) {
        for (String line : lines) {
            add(forms, expect, line, CLONE);
        }
    }

    private static void template(List<Form> forms, String expect, String... lines) {
        for (String line : lines) {
            add(forms, expect, line, TEMPLATE);
        }
    }

    private static void add(List<Form> forms, String expect, String line, String text) {
        String id = String.format("yaml-%02d", forms.size());
        forms.add(new Form(id, GeneratedSpecs.Expect.valueOf(expect), line.replace("\n", " / "), text.formatted(id, line)));
    }
}
