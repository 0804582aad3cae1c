package io.vmtemplating.contract;

import static io.vmtemplating.contract.SpecTrees.NODES;
import static io.vmtemplating.contract.SpecTrees.pick;
import static io.vmtemplating.contract.SpecTrees.size;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Random;

/**
 * VmTemplates and VmClones that every check accepts (schema, CEL rules, webhook), varied field by field: each
 * optional field is left out or set to a value from its valid range (boundaries included), and the cross-field
 * rules are kept by construction (sizes that divide, NUMA nodes that add up, a pattern for the console trigger).
 */
final class ValidSpecs {

    private static final List<String> HOST_FILES = List.of("/var/lib/vmtemplating/guest/vmlinuz",
            "/var/lib/vmtemplating/guest/initrd.gz", "/var/lib/vmtemplating/guest/kernel-6.1",
            "/var/lib/vmtemplating/guest/images/disk.qcow2", "/var/lib/vmtemplating/guest/k");
    private static final List<String> VOLUME_FILES = List.of("boot/vmlinuz", "images/debian.qcow2", "vmlinuz", "a/b/c.img");
    private static final List<String> MACHINES = List.of("q35", "pc", "pc-q35-8.2", "pc-i440fx-9.2", "pc-q35-10.0");
    private static final List<String> PATTERNS = List.of("READY", "login:", "GUEST-READY", "^boot done$", "[Rr]eady\\s*\\d+");
    private static final List<List<String>> EXTRA_ARGS = List.of(List.of("-rtc", "base=utc"), List.of("-no-reboot"),
            List.of("-no-shutdown"), List.of("-name", "guest-1"), List.of("-device", "pvpanic"),
            List.of("-device", "virtio-rng-pci"), List.of("-device", "virtio-keyboard-pci"), List.of("-d", "guest_errors"));

    private final Random random;

    ValidSpecs(Random random) {
        this.random = random;
    }

    /** A template with every optional part left out or set at random. */
    ObjectNode template(String name) {
        ObjectNode template = SpecTrees.object("VmTemplate", name);
        ObjectNode spec = template.putObject("spec");
        if (random.nextBoolean()) {
            spec.put("cpus", pick(random, 1, 64, 1 + random.nextInt(64)));
        }
        if (random.nextBoolean()) {
            spec.put("machine", pick(random, MACHINES));
        }
        long page = memory(spec.putObject("memory"));
        boot(spec.putObject("boot"), random.nextInt(4));
        String trigger = random.nextInt(3) == 0 ? null : pick(random, "SerialConsole", "Delay", "GuestAgent", "Manual");
        if (random.nextInt(4) > 0 || trigger != null) {
            freeze(spec.putObject("freeze"), trigger);
        }
        if (random.nextBoolean()) {
            devices(spec.putObject("devices"), spec.path("memory"), page, trigger != null && !trigger.equals("SerialConsole"));
        }
        if (random.nextInt(4) == 0) {
            placement(spec.putObject("placement"), random.nextInt(3) == 0);
        }
        if (random.nextInt(3) == 0) {
            ArrayNode args = spec.putObject("qemu").putArray("extraArgs");
            for (int i = random.nextInt(4); i > 0; i--) {
                pick(random, EXTRA_ARGS).forEach(args::add);
            }
        }
        if (random.nextInt(3) == 0) {
            ObjectNode claimData = spec.putObject("claimData").put("directory",
                    pick(random, "/run/vmtemplating", "/a", "/var/lib/app_1/claim.d", "/" + "d".repeat(199)));
            if (random.nextBoolean()) {
                claimData.put("timeoutSeconds", pick(random, 1, 600, 30));
            }
        }
        return template;
    }

    /** Sets memory; returns the huge page size in MiB, or 0 on tmpfs. */
    private long memory(ObjectNode memory) {
        String backend = pick(random, "tmpfs", "hugetlbfs", "");
        long page = backend.equals("hugetlbfs") ? pick(random, 2L, 1024L) : 0;
        long unit = Math.max(page, 2);
        long total = unit * (page == 1024 ? 1 + random.nextInt(4) : pick(random, 64L, 128L, 256L, 384L, 512L, 1024L));
        memory.put("size", size(total, random));
        if (!backend.isEmpty()) {
            memory.put("backend", backend);
        }
        if (page > 0) {
            memory.put("hugePageSize", page == 2 ? "2Mi" : "1Gi");
        }
        if (random.nextInt(3) == 0 && total / unit >= 2) {
            ArrayNode nodes = memory.putArray("numaNodes");
            long first = unit * (1 + random.nextInt((int) (total / unit) - 1));
            nodes.addObject().put("size", size(first, random));
            nodes.addObject().put("size", size(total - first, random));
        }
        return page;
    }

    /** 0: kernel; 1: kernel, initrd and cmdline; 2: a disk; 3: a disk and a kernel. */
    private void boot(ObjectNode boot, int shape) {
        if (shape != 2) {
            source(boot.putObject("kernel"));
        }
        if (shape == 1) {
            source(boot.putObject("initrd"));
            boot.put("cmdline", pick(random, "console=ttyS0 quiet panic=-1", "", "console=ttyS0 " + "x".repeat(4000)));
        }
        if (shape >= 2) {
            ObjectNode disk = boot.putObject("disk");
            source(disk.putObject("source"));
            if (random.nextBoolean()) {
                disk.put("format", pick(random, "raw", "qcow2"));
            }
        }
    }

    private void source(ObjectNode source) {
        switch (random.nextInt(3)) {
            case 0 -> source.putObject("hostPath").put("path", pick(random, HOST_FILES));
            case 1 -> source.putObject("persistentVolumeClaim").put("claimName", pick(random, "guest-disks", "d", "disk-1"))
                    .put("path", pick(random, VOLUME_FILES));
            default -> source.putObject("image").put("reference", pick(random, "registry.example/guests/kernel:6.1", "busybox"))
                    .put("path", pick(random, VOLUME_FILES));
        }
    }

    private void freeze(ObjectNode freeze, String trigger) {
        if (trigger != null) {
            freeze.put("trigger", trigger);
        }
        if (trigger == null || trigger.equals("SerialConsole") || random.nextInt(4) == 0) {
            freeze.put("serialConsolePattern", pick(random, PATTERNS));
        }
        if ("Delay".equals(trigger) || random.nextInt(4) == 0) {
            freeze.put("delaySeconds", pick(random, 0, 86400, random.nextInt(600)));
        }
        if (random.nextBoolean()) {
            freeze.put("timeoutSeconds", pick(random, 1, 86400, 1 + random.nextInt(900)));
        }
        if (random.nextInt(4) == 0) {
            freeze.set("migrationCapabilities", pick(random, SpecTrees.strings("events"), SpecTrees.strings("validate-uuid"),
                    SpecTrees.strings("events", "validate-uuid"), SpecTrees.strings()));
        }
    }

    private void devices(ObjectNode devices, JsonNode memory, long page, boolean consoleOptional) {
        if (random.nextBoolean()) {
            ObjectNode balloon = devices.putObject("balloon").put("enabled", random.nextBoolean());
            if (random.nextBoolean()) {
                balloon.put("freePageHinting", false).put("freePageReporting", false);
            }
            if (random.nextBoolean()) {
                balloon.put("statsPollingSeconds", pick(random, 0, 3600, random.nextInt(60)));
            }
            if (random.nextBoolean()) {
                balloon.put("targetSize", memory.path("size").asText()); // only memory.size itself is allowed
            }
        }
        if (random.nextBoolean()) {
            devices.putObject("network").put("mode", pick(random, "none", "user"));
        }
        for (String flag : List.of("rng", "vmgenid")) {
            if (random.nextBoolean()) {
                devices.put(flag, random.nextBoolean());
            }
        }
        if (random.nextBoolean()) {
            devices.put("serialConsole", consoleOptional ? random.nextBoolean() : true);
        }
        if (random.nextBoolean()) {
            long block = Math.max(page, pick(random, 2L, 4L, 64L, 1024L));
            ObjectNode virtioMem = devices.putObject("virtioMem").put("size", size(block * (1 + random.nextInt(8)), random));
            if (block != 2 || random.nextBoolean()) {
                virtioMem.put("blockSize", size(block, random));
            }
            if (random.nextBoolean()) {
                virtioMem.put("requestedSize", "0");
            }
        }
    }

    private void placement(ObjectNode placement, boolean withAffinity) {
        if (random.nextBoolean()) {
            placement.putObject("nodeSelector").put("kubernetes.io/hostname", "node-1").put("vmtemplating.io/kvm", "true");
        }
        if (random.nextBoolean()) {
            placement.putArray("tolerations").addObject().put("key", "vmtemplating.io/dedicated").put("operator", "Exists")
                    .put("effect", "NoSchedule").put("tolerationSeconds", 30).put("value", "");
        }
        if (random.nextBoolean()) {
            placement.put("copies", pick(random, 1, 16, 1 + random.nextInt(16)));
        }
        if (withAffinity) {
            placement.putObject("affinity").putObject("nodeAffinity").putObject("requiredDuringSchedulingIgnoredDuringExecution")
                    .putArray("nodeSelectorTerms").addObject().putArray("matchExpressions").addObject()
                    .put("key", "kubernetes.io/arch").put("operator", "In").set("values", SpecTrees.strings("amd64"));
        }
    }

    /**
     * A clone of {@code template} (or of a template that is not there, when null) that fits it: what it states
     * again matches, port forwards only with a user network, virtio-mem requests within the device.
     */
    ObjectNode clone(String name, ObjectNode template, String templateName) {
        ObjectNode clone = SpecTrees.object("VmClone", name);
        ObjectNode spec = clone.putObject("spec");
        spec.putObject("templateRef").put("name", templateName);
        JsonNode shape = template == null ? NODES.objectNode() : template.path("spec");
        if (random.nextBoolean()) {
            spec.put("running", random.nextBoolean());
        }
        if (random.nextBoolean()) {
            spec.put("cpus", template == null ? 1 + random.nextInt(64) : shape.path("cpus").asInt(1));
        }
        if (random.nextBoolean()) {
            spec.put("machine", template == null ? pick(random, MACHINES) : shape.path("machine").asText("q35"));
        }
        if (random.nextBoolean()) {
            ObjectNode memory = spec.putObject("memory");
            if (random.nextBoolean()) {
                long mebibytes = template == null ? 512 : io.vmtemplating.api.v1alpha1.types.Quantities
                        .mebibytes(shape.path("memory").path("size").asText()).orElseThrow();
                memory.put("size", size(mebibytes, random));
            }
            if (random.nextBoolean()) {
                memory.put("expectedPrivate", size(pick(random, 1L, 64L, 2048L, 9999999L), random));
            }
        }
        boolean userNetwork = template == null || shape.path("devices").path("network").path("mode").asText().equals("user");
        if (userNetwork && random.nextBoolean()) {
            ArrayNode forwards = spec.putArray("portForwards");
            int count = pick(random, 1, 2, 32);
            for (int i = 0; i < count; i++) {
                ObjectNode forward = forwards.addObject().put("podPort", 1024 + i * 2000).put("guestPort", pick(random, 1, 22, 65535));
                if (random.nextBoolean()) {
                    forward.put("protocol", pick(random, "tcp", "udp"));
                }
            }
        }
        JsonNode device = shape.path("devices").path("virtioMem");
        if (!device.isMissingNode() && random.nextBoolean()) {
            long block = io.vmtemplating.api.v1alpha1.types.Quantities.mebibytes(device.path("blockSize").asText("2Mi")).orElseThrow();
            long max = io.vmtemplating.api.v1alpha1.types.Quantities.mebibytes(device.path("size").asText()).orElseThrow();
            spec.putObject("virtioMem").put("requestedSize", size(block * (1 + random.nextInt((int) (max / block))), random));
        }
        if (random.nextBoolean()) {
            spec.putObject("migration").put("restoreTimeoutSeconds", pick(random, 1, 3600, 1 + random.nextInt(120)));
        }
        if ((template == null || shape.has("claimData")) && random.nextBoolean()) {
            spec.putObject("claimData").putObject("secretRef").put("name", pick(random, "creds", "a", "app.config-1", "s".repeat(253)));
        }
        if (random.nextInt(4) == 0) {
            spec.putObject("nodeSelector").put("topology.kubernetes.io/zone", pick(random, "a", "b"));
        }
        return clone;
    }

    /** A pool with every optional part left out or set at random; its port forwards only when the template has a network. */
    ObjectNode pool(String name, ObjectNode template, String templateName) {
        ObjectNode pool = SpecTrees.object("VmClonePool", name);
        ObjectNode spec = pool.putObject("spec");
        spec.putObject("templateRef").put("name", templateName);
        if (random.nextBoolean()) {
            spec.put("replicas", pick(random, 0, 100, random.nextInt(101)));
        }
        if (random.nextBoolean()) {
            spec.putObject("memory").put("expectedPrivate", size(pick(random, 1L, 64L, 2048L), random));
        }
        boolean userNetwork = template == null || template.path("spec").path("devices").path("network").path("mode").asText().equals("user");
        if (userNetwork && random.nextBoolean()) {
            spec.putArray("portForwards").addObject().put("podPort", pick(random, 1024, 2222, 65535)).put("guestPort", 22);
        }
        return pool;
    }

    /** A claim on the named pool, running or not. */
    ObjectNode claim(String name, String poolName) {
        ObjectNode claim = SpecTrees.object("VmClone", name);
        ObjectNode spec = claim.putObject("spec");
        spec.putObject("poolRef").put("name", poolName);
        if (random.nextBoolean()) {
            spec.put("running", random.nextBoolean());
        }
        return claim;
    }
}
