package io.vmtemplating.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Specs that admission refuses, for the launcher to refuse on its own: every file of samples/rejected/ (one webhook
 * rule each, with its exact message), every value limit and required field of crds/ broken just outside the limit,
 * and the webhook's other rules (docs/admission-rules.md "Also checked", the CRD's CEL rules, each refused extra QEMU option). Each
 * breaks one thing in specs that admission accepts ({@link #templateBases()}, {@link #cloneBase()}), and names the
 * field a refusal must name.
 */
final class HostileSpecs {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final YAMLMapper YAML = new YAMLMapper();
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final String TEMPLATE_NAME = "full";

    /**
     * One hostile input for one launcher mode.
     *
     * @param cloneSpec    null in template mode
     * @param expectedLines the refusal's lines exactly, or empty: then its first line starts with the field
     * @param nearField    a missing field may be reported at its parent or child (templateRef → templateRef.name)
     */
    record Case(String name, String mode, ObjectNode templateSpec, ObjectNode cloneSpec, String field, List<String> expectedLines, boolean nearField) {
        @Override
        public String toString() {
            return mode + ": " + name;
        }
    }

    private HostileSpecs() {
    }

    static Stream<Case> all() {
        List<Case> cases = new ArrayList<>();
        cases.addAll(samples());
        cases.addAll(schemaLimits());
        cases.addAll(requiredFields());
        cases.addAll(webhookRules());
        return cases.stream();
    }

    // ---- admitted specs to break

    /**
     * Three VmTemplate specs with every optional part set, admitted by the CRD and the webhook; they differ in where
     * each boot file comes from, so every source's fields exist in one of them.
     */
    static List<ObjectNode> templateBases() {
        List<ObjectNode> bases = new ArrayList<>();
        String[][] sources = {{"hostPath", "persistentVolumeClaim", "image"}, {"image", "hostPath", "persistentVolumeClaim"},
                {"persistentVolumeClaim", "image", "hostPath"}};
        for (String[] source : sources) {
            ObjectNode spec = NODES.objectNode().put("cpus", 2).put("machine", "q35");
            ObjectNode memory = spec.putObject("memory").put("size", "512Mi").put("backend", "tmpfs").put("hugePageSize", "2Mi");
            memory.putArray("numaNodes").add(NODES.objectNode().put("size", "256Mi")).add(NODES.objectNode().put("size", "256Mi"));
            ObjectNode boot = spec.putObject("boot").put("cmdline", "console=ttyS0 quiet panic=-1");
            boot.set("kernel", source(source[0], "vmlinuz"));
            boot.set("initrd", source(source[1], "initrd.gz"));
            boot.putObject("disk").put("format", "qcow2").set("source", source(source[2], "disk.qcow2"));
            ObjectNode devices = spec.putObject("devices").put("rng", true).put("serialConsole", true).put("vmgenid", true);
            devices.putObject("balloon").put("enabled", true).put("statsPollingSeconds", 5).put("targetSize", "512Mi")
                    .put("freePageHinting", false).put("freePageReporting", false);
            devices.putObject("network").put("mode", "user");
            devices.putObject("virtioMem").put("size", "1Gi").put("blockSize", "2Mi").put("requestedSize", "0");
            ObjectNode freeze = spec.putObject("freeze").put("trigger", "SerialConsole").put("serialConsolePattern", "GUEST-READY")
                    .put("delaySeconds", 5).put("timeoutSeconds", 600);
            freeze.putArray("migrationCapabilities").add("events");
            spec.putObject("qemu").putArray("extraArgs").add("-rtc").add("base=utc");
            spec.putObject("claimData").put("directory", "/run/vmtemplating").put("timeoutSeconds", 30);
            bases.add(spec);
        }
        return bases;
    }

    private static ObjectNode source(String kind, String file) {
        ObjectNode source = NODES.objectNode();
        switch (kind) {
            case "hostPath" -> source.putObject("hostPath").put("path", "/var/lib/vmtemplating/guest/" + file);
            case "image" -> source.putObject("image").put("reference", "registry.example/guests/debian:12").put("path", "boot/" + file);
            default -> source.putObject("persistentVolumeClaim").put("claimName", "guest-files").put("path", "boot/" + file);
        }
        return source;
    }

    /** A VmClone spec of the first template base, with every optional part set, admitted by the CRD and the webhook. */
    static ObjectNode cloneBase() {
        ObjectNode spec = NODES.objectNode().put("running", true).put("cpus", 2).put("machine", "q35");
        spec.putObject("templateRef").put("name", TEMPLATE_NAME);
        spec.putObject("memory").put("size", "512Mi").put("expectedPrivate", "64Mi");
        spec.putObject("virtioMem").put("requestedSize", "128Mi");
        spec.putArray("portForwards").add(NODES.objectNode().put("podPort", 2222).put("guestPort", 22).put("protocol", "tcp"));
        spec.putObject("migration").put("restoreTimeoutSeconds", 60);
        spec.putObject("claimData").putObject("secretRef").put("name", "app-credentials");
        return spec;
    }

    // ---- samples/rejected

    static List<Case> samples() {
        List<Case> cases = new ArrayList<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("samples/rejected"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                List<String> expect = Files.readAllLines(file).stream().filter(l -> l.startsWith("# expect: "))
                        .map(l -> l.substring("# expect: ".length())).toList();
                String field = expect.get(0).substring(0, expect.get(0).indexOf(": "));
                // a CEL rule's refusal is the API server's wording; the launcher words it as the webhook restates the
                // rule, on the object's field or the one inside it that is missing
                boolean cel = expect.get(0).contains(": Invalid value: ");
                List<String> lines = cel ? List.of() : expect;
                ObjectNode template = null;
                ObjectNode clone = null;
                String templateName = TEMPLATE_NAME;
                for (Iterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile()); documents.hasNext(); ) {
                    JsonNode document = documents.next();
                    if (document.path("kind").asText().equals("VmTemplate")) {
                        template = (ObjectNode) document.get("spec");
                        templateName = document.path("metadata").path("name").asText();
                    } else {
                        clone = (ObjectNode) document.get("spec");
                    }
                }
                String name = "samples/rejected/" + file.getFileName();
                if (clone == null) {
                    cases.add(new Case(name, PodContract.MODE_TEMPLATE, template, null, field, lines, cel));
                    ObjectNode validClone = NODES.objectNode();
                    validClone.putObject("templateRef").put("name", templateName);
                    cases.add(new Case(name, PodContract.MODE_CLONE, template, validClone, field, lines, cel));
                } else {
                    cases.add(new Case(name, PodContract.MODE_CLONE, template, clone, field, lines, cel));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    // ---- crds/: value limits and required fields

    /** A spec schema's keywords under it, by path ("spec.qemu.extraArgs[]" for items); placement is skipped by the launcher. */
    record SchemaNode(String path, JsonNode schema) {
    }

    static JsonNode specSchema(String kind) {
        String file = kind.equals("VmTemplate") ? "crds/vmtemplates.vmtemplating.io-v1.yml" : "crds/vmclones.vmtemplating.io-v1.yml";
        try {
            return YAML.readTree(ROOT.resolve(file).toFile()).path("spec").path("versions").get(0)
                    .path("schema").path("openAPIV3Schema").path("properties").path("spec");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<SchemaNode> schemaNodes(String kind) {
        List<SchemaNode> nodes = new ArrayList<>();
        walk(specSchema(kind), "spec", nodes);
        return nodes;
    }

    private static void walk(JsonNode schema, String path, List<SchemaNode> out) {
        if (path.equals("spec.placement")) {
            return; // the launcher does not read it (SpecJson skips it): the scheduler's business
        }
        out.add(new SchemaNode(path, schema));
        for (Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields(); properties.hasNext(); ) {
            Map.Entry<String, JsonNode> property = properties.next();
            walk(property.getValue(), path + "." + property.getKey(), out);
        }
        if (schema.has("items")) {
            walk(schema.get("items"), path + "[]", out);
        }
    }

    /** Values just outside each pattern of the CRDs; a new pattern fails here until it has some. */
    private static final Map<String, List<String>> OUTSIDE_PATTERN = Map.of(
            "^(q35|pc|pc-q35-[0-9]+\\.[0-9]+|pc-i440fx-[0-9]+\\.[0-9]+)$",
            List.of("x-remote", "q35\n", "q35,memory-backend=pc.ram", "microvm", "pc-q35-9"),
            "^[1-9][0-9]{0,6}(Mi|Gi)$", List.of("512MB", "0Mi", "512Mi\n", "10000000Mi", "0"),
            "^(0|[1-9][0-9]{0,6}(Mi|Gi))$", List.of("00", "0\n", "1Ti"),
            "^/[^\\x00]*$", List.of("vmlinuz", "/var/lib/vmtemplating/guest/vmlinuz\u0000"),
            "^[^/\\x00][^\\x00]*$", List.of("/etc/shadow", "", "boot\u0000"),
            "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", List.of("Guest-Files", "guest_files", "guest-files-"),
            "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", List.of("Full", "other-namespace/full", "full."),
            "^[a-z0-9-]{1,64}$", List.of("Events", "x-ignore_shared", "a".repeat(65)),
            "^(/[A-Za-z0-9_][A-Za-z0-9._-]*)+$", List.of("run/vmt", "/run/../etc", "/run/./x", "/", "/run/vmt/", "/run vmt"));

    static List<Case> schemaLimits() {
        List<Case> cases = new ArrayList<>();
        for (SchemaNode node : schemaNodes("VmTemplate")) {
            for (JsonNode value : outside(node)) {
                ObjectNode template = holder(templateBases(), node.path()).deepCopy();
                SpecPaths.set(template, node.path(), value);
                cases.addAll(bothModes("CRD " + node.path() + " = " + shown(value), template, SpecPaths.concrete(node.path()), false));
            }
        }
        for (SchemaNode node : schemaNodes("VmClone")) {
            for (JsonNode value : outside(node)) {
                ObjectNode clone = cloneBase();
                SpecPaths.set(clone, node.path(), value);
                cases.add(new Case("CRD " + node.path() + " = " + shown(value), PodContract.MODE_CLONE, templateBases().get(0), clone,
                        SpecPaths.concrete(node.path()), List.of(), false));
            }
        }
        return cases;
    }

    /** Values just outside the node's limits: below minimum, above maximum, one character or item too many, ... */
    static List<JsonNode> outside(SchemaNode node) {
        JsonNode schema = node.schema();
        List<JsonNode> values = new ArrayList<>();
        if (schema.has("minimum")) {
            values.add(NODES.numberNode(schema.get("minimum").asLong() - 1));
        }
        if (schema.has("maximum")) {
            values.add(NODES.numberNode(schema.get("maximum").asLong() + 1));
        }
        if (schema.has("maxLength")) {
            values.add(NODES.textNode("x".repeat(schema.get("maxLength").asInt() + 1)));
        }
        if (schema.has("maxItems")) {
            values.add(tooMany(node.path(), schema.get("maxItems").asInt() + 1));
        }
        if (schema.has("enum")) {
            String valid = schema.get("enum").get(0).asText();
            values.add(NODES.textNode(valid.toUpperCase())); // the launcher's enum binding alone takes any case
            values.add(NODES.textNode("Bogus"));
        }
        if (schema.has("pattern")) {
            List<String> outside = OUTSIDE_PATTERN.get(schema.get("pattern").asText());
            if (outside == null) {
                throw new AssertionError("no values outside the new pattern " + schema.get("pattern").asText() + " of " + node.path()
                        + ": add some to HostileSpecs.OUTSIDE_PATTERN");
            }
            outside.forEach(v -> values.add(NODES.textNode(v)));
        }
        return values;
    }

    private static ArrayNode tooMany(String path, int count) {
        ArrayNode items = NODES.arrayNode();
        for (int i = 0; i < count; i++) {
            switch (path) {
                case "spec.qemu.extraArgs" -> items.add("-no-reboot");
                case "spec.portForwards" -> items.add(NODES.objectNode().put("podPort", 2000 + i).put("guestPort", 22));
                default -> throw new AssertionError("no item to repeat for " + path + ": add one to HostileSpecs.tooMany");
            }
        }
        return items;
    }

    static List<Case> requiredFields() {
        List<Case> cases = new ArrayList<>();
        for (SchemaNode node : schemaNodes("VmTemplate")) {
            for (JsonNode required : node.schema().path("required")) {
                String field = node.path() + "." + required.asText();
                ObjectNode template = holder(withVhostUser(templateBases()), field).deepCopy();
                SpecPaths.remove(template, field);
                cases.addAll(bothModes("CRD required " + field, template, SpecPaths.concrete(field), true));
            }
        }
        for (SchemaNode node : schemaNodes("VmClone")) {
            for (JsonNode required : node.schema().path("required")) {
                String field = node.path() + "." + required.asText();
                ObjectNode clone = cloneBase();
                SpecPaths.remove(clone, field);
                cases.add(new Case("CRD required " + field, PodContract.MODE_CLONE, templateBases().get(0), clone,
                        SpecPaths.concrete(field), List.of(), true));
            }
        }
        return cases;
    }

    /** The bases and one with a vhost-user device, which no admitted spec has (the webhook refuses any). */
    private static List<ObjectNode> withVhostUser(List<ObjectNode> bases) {
        List<ObjectNode> all = new ArrayList<>(bases);
        ObjectNode vhostUser = bases.get(0).deepCopy();
        vhostUser.withObjectProperty("devices").putArray("vhostUser").add(NODES.objectNode().put("type", "fs").put("socketPath", "/run/v.sock"));
        all.add(vhostUser);
        return all;
    }

    /** The first base in which the path's parent exists (so a value can be put there). */
    private static ObjectNode holder(List<ObjectNode> bases, String path) {
        String parent = path.substring(0, path.lastIndexOf('.'));
        for (ObjectNode base : bases) {
            if (parent.equals("spec") || SpecPaths.get(base, parent) != null) {
                return base;
            }
        }
        return withVhostUser(bases).get(bases.size());
    }

    // ---- the webhook's other rules

    static List<Case> webhookRules() {
        List<Case> cases = new ArrayList<>();
        template(cases, "no spec", "spec", null);
        template(cases, "no memory", "spec.memory", s -> s.remove("memory"));
        template(cases, "a NUMA node that is null", "spec.memory.numaNodes[0]", s -> s.withObjectProperty("memory").withArray("numaNodes").set(0, NODES.nullNode()));
        template(cases, "CEL: nothing to boot", "spec.boot", s -> s.putObject("boot"));
        template(cases, "CEL: an initrd without a kernel", "spec.boot.initrd", s -> s.withObjectProperty("boot").remove(List.of("kernel", "cmdline")));
        template(cases, "CEL: a command line without a kernel", "spec.boot.cmdline", s -> s.withObjectProperty("boot").remove(List.of("kernel", "initrd")));
        template(cases, "CEL: a kernel from no source", "spec.boot.kernel", s -> s.withObjectProperty("boot").putObject("kernel"));
        template(cases, "a command line with NUL", "spec.boot.cmdline", s -> s.withObjectProperty("boot").put("cmdline", "console=ttyS0\u0000init=/bin/sh"));
        template(cases, "a kernel path with ..", "spec.boot.kernel.hostPath.path",
                s -> s.withObjectProperty("boot").set("kernel", hostPath("/var/lib/vmtemplating/../../etc/shadow")));
        template(cases, "a kernel from the kubelet's directory", "spec.boot.kernel.hostPath.path",
                s -> s.withObjectProperty("boot").set("kernel", hostPath("/var/lib/kubelet/pods/x/volumes/secret/token")));
        template(cases, "an initrd from another template's memory", "spec.boot.initrd.hostPath.path",
                s -> s.withObjectProperty("boot").set("initrd", hostPath("/var/lib/vmtemplating/templates/other/memory/pc.ram")));
        template(cases, "a volume path leaving the volume", "spec.boot.initrd.persistentVolumeClaim.path",
                s -> s.withObjectProperty("boot").withObjectProperty("initrd").withObjectProperty("persistentVolumeClaim").put("path", "boot/../../x"));
        template(cases, "an image path leaving the image", "spec.boot.disk.source.image.path",
                s -> s.withObjectProperty("boot").withObjectProperty("disk").withObjectProperty("source").withObjectProperty("image").put("path", "../x"));
        template(cases, "a blank image reference", "spec.boot.disk.source.image.reference",
                s -> s.withObjectProperty("boot").withObjectProperty("disk").withObjectProperty("source").withObjectProperty("image").put("reference", " "));
        template(cases, "a console pattern that does not compile", "spec.freeze.serialConsolePattern",
                s -> s.withObjectProperty("freeze").put("serialConsolePattern", "[a-"));
        template(cases, "a null capability", "spec.freeze.migrationCapabilities[0]",
                s -> s.withObjectProperty("freeze").withArray("migrationCapabilities").set(0, NODES.nullNode()));
        for (String capability : List.of("postcopy-preempt", "postcopy-blocktime", "mapped-ram", "xbzrle", "background-snapshot", "bogus-cap")) {
            template(cases, "capability " + capability, "spec.freeze.migrationCapabilities[0]",
                    s -> s.withObjectProperty("freeze").withArray("migrationCapabilities").set(0, NODES.textNode(capability)));
        }
        template(cases, "a virtio-mem device without size", "spec.devices.virtioMem.size", s -> s.withObjectProperty("devices").withObjectProperty("virtioMem").remove("size"));
        template(cases, "virtio-mem blocks smaller than 1Gi huge pages", "spec.devices.virtioMem.blockSize", s -> {
            s.withObjectProperty("memory").put("backend", "hugetlbfs").put("hugePageSize", "1Gi").put("size", "1Gi").remove("numaNodes");
            s.withObjectProperty("devices").withObjectProperty("balloon").put("targetSize", "1Gi");
            s.withObjectProperty("devices").withObjectProperty("virtioMem").put("blockSize", "512Mi");
        });
        extraArgs(cases);
        cloneRules(cases);
        return cases;
    }

    /** Each option the allow-list refuses, with the field of its refusal: the option, or its value when that is the reason. */
    private static void extraArgs(List<Case> cases) {
        List<String[]> refused = List.of(new String[] {"0", "-m", "1G"}, new String[] {"0", "-smp", "4"}, new String[] {"0", "-accel", "kvm"},
                new String[] {"0", "-enable-kvm"}, new String[] {"0", "-loadvm", "snap"}, new String[] {"0", "-blockdev", "driver=file,filename=/etc/shadow"},
                new String[] {"0", "-fsdev", "local,id=f,path=/"}, new String[] {"0", "-virtfs", "local,path=/,mount_tag=r"},
                new String[] {"0", "-kernel", "/boot/vmlinuz"}, new String[] {"0", "-initrd", "/etc/shadow"}, new String[] {"0", "-append", "init=/bin/sh"},
                new String[] {"0", "-bios", "/etc/shadow"}, new String[] {"0", "-L", "/"}, new String[] {"0", "-pflash", "/etc/shadow"},
                new String[] {"0", "-hda", "/dev/sda"}, new String[] {"0", "-hdb", "/dev/sdb"}, new String[] {"0", "-cdrom", "/dev/sr0"},
                new String[] {"0", "-dtb", "/x"}, new String[] {"0", "-plugin", "/tmp/evil.so"}, new String[] {"0", "-readconfig", "/etc/x"},
                new String[] {"0", "-D", "/etc/cron.d/x"}, new String[] {"0", "-pidfile", "/etc/passwd"},
                new String[] {"0", "-chardev", "file,id=c,path=/etc/passwd"}, new String[] {"0", "-monitor", "tcp::4444,server"},
                new String[] {"0", "-serial", "tcp::4445,server"}, new String[] {"0", "-object", "secret,id=s,file=/etc/shadow"},
                new String[] {"1", "-machine", "x-remote"}, new String[] {"0", "-M", "pc"}, new String[] {"0", "-global", "migration.x-ignore-shared=off"},
                new String[] {"1", "--device", "e1000,romfile=/etc/shadow"}, new String[] {"1", "-device", "virtio-balloon-pci,free-page-reporting=on"},
                new String[] {"1", "-device", "pc-dimm,id=d"}, new String[] {"1", "-device", "nvdimm,id=n"}, new String[] {"1", "-device", "ivshmem-plain"},
                new String[] {"1", "-device", "vfio-pci,host=0000:00:02.0"}, new String[] {"1", "-device", "virtio-net-pci,memdev=m"},
                new String[] {"1", "-netdev", "user,id=n,hostfwd=tcp::22-:22"}, new String[] {"1", "-netdev", "user,id=n,smb=/etc"},
                new String[] {"1", "-netdev", "user,id=n,tftp=/"}, new String[] {"1", "-netdev", "bridge,id=n,br=br0"},
                new String[] {"1", "-smbios", "file=/etc/shadow"}, new String[] {"0", "-snapshot"}, new String[] {"0", "base=utc"},
                new String[] {"0", "-rtc"}, new String[] {"0", "-S"}, new String[] {"0", "-daemonize"});
        for (String[] args : refused) {
            List<String> argv = List.of(args).subList(1, args.length);
            template(cases, "extraArgs " + String.join(" ", argv), "spec.qemu.extraArgs[" + args[0] + "]", s -> {
                ArrayNode extraArgs = s.withObjectProperty("qemu").putArray("extraArgs");
                argv.forEach(extraArgs::add);
            });
        }
        template(cases, "a null extra argument", "spec.qemu.extraArgs[0]", s -> s.withObjectProperty("qemu").withArray("extraArgs").set(0, NODES.nullNode()));
    }

    private static void cloneRules(List<Case> cases) {
        clone(cases, "no spec", "spec", null);
        clone(cases, "a template name of 254 characters", "spec.templateRef.name", c -> c.withObjectProperty("templateRef").put("name", "t".repeat(254)));
        clone(cases, "a port forward that is null", "spec.portForwards[0]", c -> c.withArray("portForwards").set(0, NODES.nullNode()));
        clone(cases, "a pod port forwarded twice", "spec.portForwards[1].podPort",
                c -> c.withArray("portForwards").add(NODES.objectNode().put("podPort", 2222).put("guestPort", 80)));
        clone(cases, "cpus other than the template's", "spec.cpus", c -> c.put("cpus", 4));
        clone(cases, "machine other than the template's", "spec.machine", c -> c.put("machine", "pc-q35-9.2"));
        clone(cases, "memory other than the template's", "spec.memory.size", c -> c.withObjectProperty("memory").put("size", "1Gi"));
        clone(cases, "virtio-mem beyond the template's", "spec.virtioMem.requestedSize", c -> c.withObjectProperty("virtioMem").put("requestedSize", "2Gi"));
        clone(cases, "virtio-mem not a multiple of the block", "spec.virtioMem.requestedSize", c -> c.withObjectProperty("virtioMem").put("requestedSize", "129Mi"));
        ObjectNode noNetwork = templateBases().get(0);
        noNetwork.withObjectProperty("devices").withObjectProperty("network").put("mode", "none");
        cases.add(new Case("port forwards into a template without network", PodContract.MODE_CLONE, noNetwork, cloneBase(),
                "spec.portForwards", List.of(), false));
        ObjectNode noVirtioMem = templateBases().get(0);
        noVirtioMem.withObjectProperty("devices").remove("virtioMem");
        cases.add(new Case("virtio-mem for a template without it", PodContract.MODE_CLONE, noVirtioMem, cloneBase(), "spec.virtioMem", List.of(), false));
    }

    /** A hostile template (the first base, changed; null: no spec at all), in both modes. */
    private static void template(List<Case> cases, String name, String field, Consumer<ObjectNode> change) {
        ObjectNode template = null;
        if (change != null) {
            template = templateBases().get(0);
            change.accept(template);
        }
        cases.addAll(bothModes(name, template, field, false));
    }

    private static void clone(List<Case> cases, String name, String field, Consumer<ObjectNode> change) {
        ObjectNode clone = null;
        if (change != null) {
            clone = cloneBase();
            change.accept(clone);
        }
        cases.add(new Case(name, PodContract.MODE_CLONE, templateBases().get(0), clone, field, List.of(), false));
    }

    /** A template is refused by its own pod and by every clone's pod, which carries the template's spec too. */
    private static List<Case> bothModes(String name, ObjectNode template, String field, boolean nearField) {
        return List.of(new Case(name, PodContract.MODE_TEMPLATE, template, null, field, List.of(), nearField),
                new Case(name, PodContract.MODE_CLONE, template, cloneBase(), field, List.of(), nearField));
    }

    private static ObjectNode hostPath(String path) {
        ObjectNode source = NODES.objectNode();
        source.putObject("hostPath").put("path", path);
        return source;
    }

    private static String shown(JsonNode value) {
        String text = value.toString();
        return text.length() > 40 ? text.substring(0, 40) + "... (" + text.length() + " characters)" : text;
    }
}
