package io.vmtemplating.contract;

import static io.vmtemplating.contract.SpecTrees.NODES;
import static io.vmtemplating.contract.SpecTrees.strings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Hand-written edits that break one rule each, beyond what the schema's own keywords say: the CRD's CEL rules,
 * the webhook's rules (what samples/rejected/ shows, with other values), metadata and apiVersion/kind. Each
 * edit also says whether the result is valid: a few edits are deliberately harmless (a dotted name, a null that
 * the server prunes), so that the differential test sees both answers from the same area.
 */
final class RuleBreakers {

    /** An edit of a valid template's tree: what it checks, whether the result passes, and the change. */
    record Edit(String check, GeneratedSpecs.Expect expect, String what, Consumer<ObjectNode> change) {
    }

    /** An edit of a valid clone, given the template it refers to. */
    record CloneEdit(String check, String what, BiConsumer<ObjectNode, JsonNode> change) {
    }

    private static final GeneratedSpecs.Expect REFUSED = GeneratedSpecs.Expect.REFUSED;
    private static final GeneratedSpecs.Expect ADMITTED = GeneratedSpecs.Expect.ADMITTED;

    private RuleBreakers() {
    }

    private static ObjectNode spec(ObjectNode object) {
        return object.withObject("/spec");
    }

    private static ObjectNode hostPath(String path) {
        ObjectNode source = NODES.objectNode();
        source.putObject("hostPath").put("path", path);
        return source;
    }

    private static ObjectNode image() {
        ObjectNode source = NODES.objectNode();
        source.putObject("image").put("reference", "registry.example/k:1").put("path", "vmlinuz");
        return source;
    }

    /** The CRD's x-kubernetes-validations, each broken (the defaulted trigger included). */
    static List<Edit> cel() {
        return List.of(
                new Edit("cel", REFUSED, "boot without kernel or disk", o -> spec(o).putObject("boot")),
                new Edit("cel", REFUSED, "boot with only an initrd", o -> spec(o).putObject("boot").set("initrd", hostPath("/var/lib/vmtemplating/guest/i"))),
                new Edit("cel", REFUSED, "initrd beside a disk, no kernel", o -> {
                    ObjectNode boot = spec(o).putObject("boot");
                    boot.putObject("disk").set("source", hostPath("/var/lib/vmtemplating/guest/d"));
                    boot.set("initrd", hostPath("/var/lib/vmtemplating/guest/i"));
                }),
                new Edit("cel", REFUSED, "cmdline beside a disk, no kernel", o -> {
                    ObjectNode boot = spec(o).putObject("boot").put("cmdline", "console=ttyS0");
                    boot.putObject("disk").set("source", image());
                }),
                new Edit("cel", REFUSED, "kernel from two sources", o -> {
                    ObjectNode kernel = hostPath("/var/lib/vmtemplating/guest/k");
                    kernel.setAll(image());
                    spec(o).putObject("boot").set("kernel", kernel);
                }),
                new Edit("cel", REFUSED, "kernel from no source", o -> spec(o).putObject("boot").putObject("kernel")),
                new Edit("cel", REFUSED, "initrd from three sources", o -> {
                    ObjectNode initrd = hostPath("/var/lib/vmtemplating/guest/i");
                    initrd.setAll(image());
                    initrd.putObject("persistentVolumeClaim").put("claimName", "c").put("path", "i");
                    ObjectNode boot = spec(o).putObject("boot");
                    boot.set("kernel", hostPath("/var/lib/vmtemplating/guest/k"));
                    boot.set("initrd", initrd);
                }),
                new Edit("cel", REFUSED, "disk from no source", o -> spec(o).putObject("boot").putObject("disk").putObject("source")),
                new Edit("cel", REFUSED, "SerialConsole trigger without a pattern", o -> spec(o).putObject("freeze").put("trigger", "SerialConsole")),
                new Edit("cel", REFUSED, "the default trigger (SerialConsole) without a pattern", o -> spec(o).putObject("freeze").put("timeoutSeconds", 300)),
                new Edit("cel", REFUSED, "an empty freeze: its default trigger needs a pattern", o -> spec(o).putObject("freeze")),
                new Edit("cel", REFUSED, "Delay trigger without delaySeconds", o -> spec(o).putObject("freeze").put("trigger", "Delay")),
                new Edit("cel", REFUSED, "hugetlbfs without hugePageSize", o -> spec(o).putObject("memory").put("size", "512Mi").put("backend", "hugetlbfs")),
                new Edit("cel", ADMITTED, "Manual trigger needs no pattern", o -> spec(o).putObject("freeze").put("trigger", "Manual")),
                new Edit("cel", ADMITTED, "Delay trigger with 0 seconds", o -> spec(o).putObject("freeze").put("trigger", "Delay").put("delaySeconds", 0)));
    }

    /** The webhook's rules for templates, with values other than the samples'. */
    static List<Edit> templateWebhook() {
        return List.of(
                new Edit("webhook", REFUSED, "no spec", o -> o.remove("spec")),
                new Edit("webhook", REFUSED, "extra arg not allowed", o -> spec(o).putObject("qemu").set("extraArgs", strings("-snapshot"))),
                new Edit("webhook", REFUSED, "extra arg -m", o -> spec(o).putObject("qemu").set("extraArgs", strings("-m", "1G"))),
                new Edit("webhook", REFUSED, "-cpu host on 3 copies", o -> {
                    spec(o).putObject("placement").put("copies", 3);
                    spec(o).putObject("qemu").set("extraArgs", strings("-cpu", "host"));
                }),
                new Edit("webhook", REFUSED, "extra arg -drive", o -> spec(o).putObject("qemu").set("extraArgs", strings("-drive", "file=/x"))),
                new Edit("webhook", REFUSED, "extra -device with romfile", o -> spec(o).putObject("qemu").set("extraArgs", strings("-device", "e1000,romfile=/r"))),
                new Edit("webhook", REFUSED, "extra -object memory-backend", o -> spec(o).putObject("qemu").set("extraArgs", strings("-object", "memory-backend-ram,id=m"))),
                new Edit("webhook", REFUSED, "extra arg with a line break", o -> spec(o).putObject("qemu").set("extraArgs", strings("-name", "a\nb"))),
                new Edit("webhook", REFUSED, "extra option without its value", o -> spec(o).putObject("qemu").set("extraArgs", strings("-rtc"))),
                new Edit("webhook", REFUSED, "extra arg that is no option", o -> spec(o).putObject("qemu").set("extraArgs", strings("base=utc"))),
                new Edit("webhook", REFUSED, "kernel from /etc", o -> spec(o).withObject("/boot").set("kernel", hostPath("/etc/shadow"))),
                new Edit("webhook", REFUSED, "kernel from /var/lib/kubelet", o -> spec(o).withObject("/boot").set("kernel", hostPath("/var/lib/kubelet/pods/x"))),
                new Edit("webhook", REFUSED, "kernel path with ..", o -> spec(o).withObject("/boot").set("kernel", hostPath("/var/lib/../etc/passwd"))),
                new Edit("webhook", REFUSED, "kernel path with //", o -> spec(o).withObject("/boot").set("kernel", hostPath("/var//lib/k"))),
                new Edit("webhook", REFUSED, "image path leaving the image", o -> spec(o).withObject("/boot").putObject("kernel").putObject("image")
                        .put("reference", "r").put("path", "boot/../../x")),
                new Edit("webhook", REFUSED, "empty image reference", o -> spec(o).withObject("/boot").putObject("kernel").putObject("image")
                        .put("reference", " ").put("path", "vmlinuz")),
                new Edit("webhook", REFUSED, "cmdline with NUL", o -> spec(o).withObject("/boot").put("cmdline", "console=ttyS0\u0000")),
                new Edit("webhook", REFUSED, "capability release-ram", o -> spec(o).withObject("/freeze").put("serialConsolePattern", "R")
                        .set("migrationCapabilities", strings("events", "release-ram"))),
                new Edit("webhook", REFUSED, "capability that is no capability", o -> spec(o).withObject("/freeze").put("serialConsolePattern", "R")
                        .set("migrationCapabilities", strings("bogus-cap"))),
                new Edit("webhook", REFUSED, "pattern that is no regular expression", o -> spec(o).withObject("/freeze").put("serialConsolePattern", "[a-")),
                new Edit("webhook", REFUSED, "NUMA sizes that do not add up", o -> {
                    ObjectNode memory = spec(o).putObject("memory").put("size", "1Gi");
                    memory.putArray("numaNodes").add(NODES.objectNode().put("size", "512Mi")).add(NODES.objectNode().put("size", "256Mi"));
                }),
                new Edit("webhook", REFUSED, "size not a multiple of 2Mi pages", o -> spec(o).putObject("memory").put("size", "513Mi")
                        .put("backend", "hugetlbfs").put("hugePageSize", "2Mi")),
                new Edit("webhook", REFUSED, "size not a multiple of 1Gi pages", o -> spec(o).putObject("memory").put("size", "1536Mi")
                        .put("backend", "hugetlbfs").put("hugePageSize", "1Gi")),
                new Edit("webhook", REFUSED, "virtio-mem block not a power of two", o -> spec(o).withObject("/devices").putObject("virtioMem")
                        .put("size", "96Mi").put("blockSize", "3Mi")),
                new Edit("webhook", REFUSED, "virtio-mem size not a multiple of the block", o -> spec(o).withObject("/devices").putObject("virtioMem")
                        .put("size", "100Mi").put("blockSize", "64Mi")),
                new Edit("webhook", REFUSED, "virtio-mem requested on the template", o -> spec(o).withObject("/devices").putObject("virtioMem")
                        .put("size", "1Gi").put("requestedSize", "128Mi")),
                new Edit("webhook", REFUSED, "free page hinting", o -> spec(o).withObject("/devices").putObject("balloon").put("freePageHinting", true)),
                new Edit("webhook", REFUSED, "free page reporting", o -> spec(o).withObject("/devices").putObject("balloon").put("freePageReporting", true)),
                new Edit("webhook", REFUSED, "balloon target below memory", o -> {
                    spec(o).putObject("memory").put("size", "1Gi");
                    spec(o).withObject("/devices").putObject("balloon").put("targetSize", "512Mi");
                }),
                new Edit("webhook", REFUSED, "console trigger without the console", o -> {
                    spec(o).putObject("freeze").put("trigger", "SerialConsole").put("serialConsolePattern", "R");
                    spec(o).withObject("/devices").put("serialConsole", false);
                }),
                new Edit("webhook", REFUSED, "a vhost-user device", o -> spec(o).withObject("/devices").putArray("vhostUser").addObject()
                        .put("type", "fs").put("socketPath", "/run/v.sock")));
    }

    /** The webhook's rules for clones that need their template (the second argument). */
    static List<CloneEdit> cloneWebhook() {
        return List.of(
                new CloneEdit("webhook", "cpus other than the template's", (c, t) -> spec(c).put("cpus", t.path("spec").path("cpus").asInt(1) % 64 + 1)),
                new CloneEdit("webhook", "machine other than the template's", (c, t) ->
                        spec(c).put("machine", t.path("spec").path("machine").asText("q35").equals("pc") ? "q35" : "pc")),
                new CloneEdit("webhook", "memory size other than the template's", (c, t) -> spec(c).withObject("/memory").put("size",
                        (io.vmtemplating.api.v1alpha1.types.Quantities.mebibytes(t.path("spec").path("memory").path("size").asText()).orElseThrow() + 2) + "Mi")),
                new CloneEdit("webhook", "a port forward twice", (c, t) -> spec(c).putArray("portForwards")
                        .add(NODES.objectNode().put("podPort", 2222).put("guestPort", 22))
                        .add(NODES.objectNode().put("podPort", 2222).put("guestPort", 80).put("protocol", "tcp"))),
                new CloneEdit("webhook", "a template name longer than 253 characters", (c, t) ->
                        spec(c).putObject("templateRef").put("name", "t".repeat(254))),
                new CloneEdit("webhook", "no spec", (c, t) -> c.remove("spec")));
    }

    /** metadata: the server's name, namespace, label and annotation rules; a few valid forms beside them. */
    static List<Edit> metadata() {
        return List.of(
                name(REFUSED, "Upper"), name(REFUSED, "under_score"), name(REFUSED, "-lead"), name(REFUSED, "trail."),
                name(REFUSED, "a..b"), name(REFUSED, "x".repeat(254)), name(REFUSED, ""), name(REFUSED, "a b"),
                name(ADMITTED, "dotted.name-1.example"), name(ADMITTED, "y".repeat(253)), name(ADMITTED, "0"),
                new Edit("metadata", REFUSED, "no name", o -> o.withObject("/metadata").remove("name")),
                new Edit("metadata", ADMITTED, "generateName instead of name", o -> o.withObject("/metadata").put("generateName", "gen-").remove("name")),
                new Edit("metadata", REFUSED, "bad generateName", o -> o.withObject("/metadata").put("generateName", "Gen_").remove("name")),
                new Edit("metadata", REFUSED, "namespace with capitals", o -> o.withObject("/metadata").put("namespace", "Bad-NS")),
                new Edit("metadata", REFUSED, "namespace with a dot", o -> o.withObject("/metadata").put("namespace", "has.dot")),
                new Edit("metadata", REFUSED, "namespace of 64 characters", o -> o.withObject("/metadata").put("namespace", "n".repeat(64))),
                new Edit("metadata", REFUSED, "label key with a space", o -> o.withObject("/metadata").putObject("labels").put("bad key", "v")),
                new Edit("metadata", REFUSED, "label value of 64 characters", o -> o.withObject("/metadata").putObject("labels").put("app", "v".repeat(64))),
                new Edit("metadata", REFUSED, "label value starting with -", o -> o.withObject("/metadata").putObject("labels").put("app", "-v")),
                new Edit("metadata", ADMITTED, "prefixed label", o -> o.withObject("/metadata").putObject("labels").put("example.com/app", "v_1.2")),
                new Edit("metadata", REFUSED, "annotation key with two slashes", o -> o.withObject("/metadata").putObject("annotations").put("a/b/c", "v")),
                new Edit("metadata", ADMITTED, "annotation with a line break", o -> o.withObject("/metadata").putObject("annotations").put("Example.COM/Note", "a\nb")),
                new Edit("metadata", REFUSED, "finalizer with a space", o -> o.withObject("/metadata").set("finalizers", strings("bad finalizer"))),
                new Edit("metadata", ADMITTED, "qualified finalizer", o -> o.withObject("/metadata").set("finalizers", strings("example.com/cleanup"))),
                new Edit("metadata", REFUSED, "name that is a number", o -> o.withObject("/metadata").put("name", 5)),
                new Edit("metadata", REFUSED, "labels that are a list", o -> o.withObject("/metadata").set("labels", strings("a"))),
                new Edit("metadata", REFUSED, "null name", o -> o.withObject("/metadata").putNull("name")),
                new Edit("metadata", ADMITTED, "null name beside generateName", o -> o.withObject("/metadata").putNull("name").put("generateName", "g-")),
                new Edit("metadata", REFUSED, "creationTimestamp that is no time", o -> o.withObject("/metadata").put("creationTimestamp", "yesterday")),
                new Edit("metadata", ADMITTED, "creationTimestamp (the server sets its own)", o -> o.withObject("/metadata").put("creationTimestamp", "2020-01-01T00:00:00Z")),
                new Edit("metadata", REFUSED, "generation that is no number", o -> o.withObject("/metadata").put("generation", "1")),
                new Edit("metadata", ADMITTED, "negative generation (the server sets 1)", o -> o.withObject("/metadata").put("generation", -5)),
                new Edit("metadata", REFUSED, "owner reference without kind, name and uid", o -> o.withObject("/metadata").putArray("ownerReferences").addObject().put("apiVersion", "v1")),
                new Edit("metadata", ADMITTED, "complete owner reference", o -> o.withObject("/metadata").putArray("ownerReferences").addObject()
                        .put("apiVersion", "v1").put("kind", "ConfigMap").put("name", "owner").put("uid", "6f1c8d0e-0000-4000-8000-000000000001")),
                new Edit("metadata", REFUSED, "two controller owners", o -> {
                    var owners = o.withObject("/metadata").putArray("ownerReferences");
                    for (String name : List.of("a", "b")) {
                        owners.addObject().put("apiVersion", "v1").put("kind", "ConfigMap").put("name", name).put("uid", "u-" + name).put("controller", true);
                    }
                }),
                new Edit("metadata", REFUSED, "selfLink that is a number", o -> o.withObject("/metadata").put("selfLink", 5)),
                new Edit("metadata", ADMITTED, "annotations of exactly 256 KiB", o -> o.withObject("/metadata").putObject("annotations")
                        .put("example.com/blob", "b".repeat(256 * 1024 - "example.com/blob".length()))),
                new Edit("metadata", REFUSED, "annotations over 256 KiB", o -> o.withObject("/metadata").putObject("annotations")
                        .put("example.com/blob", "b".repeat(256 * 1024 - "example.com/blob".length() + 1))),
                new Edit("metadata", ADMITTED, "null label value", o -> o.withObject("/metadata").putObject("labels").putNull("app")),
                new Edit("metadata", ADMITTED, "null annotation value", o -> o.withObject("/metadata").putObject("annotations").putNull("note")),
                new Edit("valid", ADMITTED, "a status on create (the server drops it)", o -> o.putObject("status").put("phase", "Bogus").put("nodeName", 5)),
                new Edit("valid", ADMITTED, "a status of the wrong type (dropped)", o -> o.put("status", "x")),
                new Edit("unknown-field", REFUSED, "unknown status field", o -> o.putObject("status").put("bogusField", 1)),
                new Edit("unknown-field", REFUSED, "unknown metadata field", o -> o.withObject("/metadata").put("label", "x")),
                new Edit("unknown-field", REFUSED, "unknown top-level field", o -> o.put("specs", "x")));
    }

    private static Edit name(GeneratedSpecs.Expect expect, String name) {
        return new Edit("metadata", expect, "name \"" + (name.length() > 20 ? name.charAt(0) + " x " + name.length() : name) + "\"",
                o -> o.withObject("/metadata").put("name", name));
    }

    /** Versions and kinds that the API does not serve. */
    static List<Edit> apiVersion() {
        return List.of(
                new Edit("apiVersion", REFUSED, "version v1", o -> o.put("apiVersion", "vmtemplating.io/v1")),
                new Edit("apiVersion", REFUSED, "version v1beta1", o -> o.put("apiVersion", "vmtemplating.io/v1beta1")),
                new Edit("apiVersion", REFUSED, "misspelt group", o -> o.put("apiVersion", "vmtemplate.io/v1alpha1")),
                new Edit("apiVersion", REFUSED, "core v1", o -> o.put("apiVersion", "v1")),
                new Edit("apiVersion", REFUSED, "no apiVersion", o -> o.remove("apiVersion")),
                new Edit("apiVersion", REFUSED, "plural kind", o -> o.put("kind", o.path("kind").asText() + "s")),
                new Edit("apiVersion", REFUSED, "lower-case kind", o -> o.put("kind", o.path("kind").asText().toLowerCase())));
    }

    /** JSON forms the server reads as valid although they look odd: numbers with a fraction of 0, nulls it prunes. */
    static List<Edit> jsonForms() {
        return List.of(
                new Edit("valid", ADMITTED, "cpus written 2.0", o -> spec(o).put("cpus", 2.0)),
                new Edit("valid", ADMITTED, "timeoutSeconds written 1e2", o -> spec(o).withObject("/freeze").put("serialConsolePattern", "R")
                        .set("timeoutSeconds", NODES.numberNode(new java.math.BigDecimal("1E+2")))),
                new Edit("valid", ADMITTED, "cpus null (defaulted)", o -> spec(o).putNull("cpus")),
                new Edit("valid", ADMITTED, "devices null (pruned)", o -> spec(o).putNull("devices")),
                new Edit("valid", ADMITTED, "cmdline null (pruned)", o -> spec(o).withObject("/boot").putNull("cmdline")),
                new Edit("required", REFUSED, "memory null (pruned, then missing)", o -> spec(o).putNull("memory")),
                new Edit("type", REFUSED, "a NUMA node that is null", o -> spec(o).withObject("/memory").putArray("numaNodes").addNull()),
                new Edit("valid", ADMITTED, "a pattern of 512 two-byte characters", o -> spec(o).withObject("/freeze").put("serialConsolePattern", "é".repeat(512))),
                new Edit("valid", ADMITTED, "a pattern of 512 emoji", o -> spec(o).withObject("/freeze").put("serialConsolePattern", "😀".repeat(512))),
                new Edit("maxLength", REFUSED, "a pattern of 513 two-byte characters", o -> spec(o).withObject("/freeze").put("serialConsolePattern", "é".repeat(513))),
                new Edit("valid", ADMITTED, "a command line of exactly 4096 characters", o -> {
                    spec(o).putObject("boot").set("kernel", hostPath("/var/lib/vmtemplating/guest/k"));
                    spec(o).withObject("/boot").put("cmdline", "c".repeat(4096));
                }),
                new Edit("valid", ADMITTED, "64 extra arguments, one of 1024 characters", o -> {
                    var args = spec(o).putObject("qemu").putArray("extraArgs").add("-name").add("n".repeat(1024));
                    for (int i = 0; i < 62; i++) {
                        args.add("-no-reboot");
                    }
                }),
                new Edit("maxLength", REFUSED, "an extra argument of 1025 characters", o -> spec(o).putObject("qemu")
                        .set("extraArgs", strings("-name", "n".repeat(1025)))),
                new Edit("valid", ADMITTED, "the longest freeze times", o -> spec(o).putObject("freeze").put("trigger", "Delay")
                        .put("delaySeconds", 86400).put("timeoutSeconds", 86400)),
                new Edit("type", REFUSED, "cpus 2.5", o -> spec(o).put("cpus", 2.5)),
                // removed in issue 15 (the launcher image is the cluster admin's): strict field validation refuses it
                new Edit("unknown-field", REFUSED, "launcherImage, a removed field",
                        o -> spec(o).put("launcherImage", "registry.example/vmt/launcher:1.0")),
                new Edit("maximum", REFUSED, "cpus beyond 32 bits", o -> spec(o).put("cpus", 4294967296L)));
    }
}
