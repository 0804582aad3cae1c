package io.vmtemplating.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded random combinations of spec fields, valid and not, through the validators and the admission handler:
 * no exception, the same verdict twice, every message names a spec field and says how to fix it, and the
 * HTTP answer agrees with the validators.
 */
class GeneratedInputTest {

    private static final long SEED = 20261127L;
    private static final int CASES = 4000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String[] SIZES = {"512Mi", "1Gi", "2Gi", "256Mi", "513Mi", "3Mi", "0", "1G", "", "64Mi", "1536Mi"};
    private static final String[] ARGS = {"-rtc", "base=utc", "-device", "virtio-net-pci", "virtio-mem-pci,memdev=m",
            "-object", "memory-backend-file,id=m", "-mem-path", "/dev/shm", "-incoming", "defer", "-numa", "node",
            "-machine", "q35,memory-backend=m", "-drive", "file=/x", "-netdev", "tap,id=n", "user,id=n", "x-remote",
            "vhost-user-blk-pci", "-no-reboot", "a\nb", "--device", "e1000,romfile=/r", "-name", "", "-", "--"};
    private static final String[] CAPABILITIES = {"events", "validate-uuid", "release-ram", "x-release-ram",
            "postcopy-ram", "x-ignore-shared", "multifd", "mapped-ram", "bogus", "zero-blocks"};

    private final Random random = new Random(SEED);

    @Test
    void randomSpecsNeverThrowAndGiveStableVerdicts() {
        int rejected = 0;
        for (int i = 0; i < CASES; i++) {
            ObjectNode template = randomTemplate();
            ObjectNode clone = randomClone();
            List<Violation> templateVerdict = templateVerdict(template);
            assertEquals(templateVerdict, templateVerdict(template.deepCopy()), template.toString());
            List<Violation> cloneVerdict = cloneVerdict(clone, template);
            assertEquals(cloneVerdict, cloneVerdict(clone.deepCopy(), template.deepCopy()), clone.toString());
            for (Violation v : concat(templateVerdict, cloneVerdict)) {
                assertTrue(v.fieldPath().startsWith("spec") || v.fieldPath().equals("(object)"), v.render());
                assertTrue(v.message().contains("; "), "no fix in: " + v.render());
            }
            rejected += templateVerdict.isEmpty() ? 0 : 1;
            assertAdmissionAgrees(template, clone);
        }
        // the generator must exercise both outcomes, or the test proves little
        assertTrue(rejected > CASES / 10 && rejected < CASES, "rejected " + rejected + " of " + CASES);
    }

    private static List<Violation> templateVerdict(ObjectNode tree) {
        ResourceReader.Result<VmTemplate> read = ResourceReader.read(tree, VmTemplate.class);
        return read.error() != null ? List.of(read.error()) : VmTemplateValidator.validate(read.resource());
    }

    private static List<Violation> cloneVerdict(ObjectNode tree, ObjectNode templateTree) {
        ResourceReader.Result<VmClone> read = ResourceReader.read(tree, VmClone.class);
        ResourceReader.Result<VmTemplate> template = ResourceReader.read(templateTree, VmTemplate.class);
        return read.error() != null ? List.of(read.error())
                : VmCloneValidator.validate(read.resource(), Optional.ofNullable(template.resource()));
    }

    private static void assertAdmissionAgrees(ObjectNode template, ObjectNode clone) {
        ResourceReader.Result<VmTemplate> parsed = ResourceReader.read(template, VmTemplate.class);
        AdmissionHandler handler = new AdmissionHandler((ns, name) -> Optional.ofNullable(parsed.resource()), PoolLookup.NONE, BootFileDirs.DEFAULT);
        AdmissionReply templateReply = handler.reviewTemplate(AdmissionReviews.review("CREATE", template, null));
        AdmissionReply cloneReply = handler.reviewClone(AdmissionReviews.review("UPDATE", clone, randomlyOld(clone)));
        for (AdmissionReply reply : List.of(templateReply, cloneReply)) {
            assertEquals(200, reply.httpStatus(), reply.body());
            assertTrue(!reply.body().contains("Exception"), reply.body());
        }
        JsonNode response = read(templateReply.body()).get("response");
        assertEquals(templateVerdict(template).isEmpty(), response.get("allowed").asBoolean(), templateReply.body());
    }

    private static ObjectNode randomlyOld(ObjectNode clone) {
        ObjectNode old = clone.deepCopy();
        old.withObject("/spec").put("running", false);
        return old;
    }

    private ObjectNode randomTemplate() {
        ObjectNode tree = Fixtures.tree(Fixtures.TEMPLATE);
        ObjectNode spec = (ObjectNode) tree.get("spec");
        if (chance(10)) {
            spec.put("cpus", random.nextInt(70) - 2);
        }
        if (chance(10)) {
            spec.put("machine", pick("q35", "pc", "pc-q35-9.2"));
        }
        ObjectNode memory = spec.withObject("/memory");
        maybe(() -> memory.put("size", pick(SIZES)));
        maybe(() -> memory.put("backend", pick("tmpfs", "hugetlbfs")));
        maybe(() -> memory.put("hugePageSize", pick("2Mi", "1Gi")));
        if (chance(4)) {
            ArrayNode numa = memory.putArray("numaNodes");
            for (int n = random.nextInt(4); n > 0; n--) {
                numa.addObject().put("size", pick(SIZES));
            }
        }
        ObjectNode devices = spec.withObject("/devices");
        if (chance(3)) {
            ObjectNode balloon = devices.withObject("/balloon");
            maybe(() -> balloon.put("enabled", random.nextBoolean()));
            maybe(() -> balloon.put("freePageReporting", random.nextBoolean()));
            maybe(() -> balloon.put("freePageHinting", random.nextBoolean()));
            maybe(() -> balloon.put("targetSize", pick(SIZES)));
        }
        if (chance(3)) {
            devices.remove("virtioMem");
        } else {
            ObjectNode virtioMem = devices.withObject("/virtioMem");
            maybe(() -> virtioMem.put("size", pick(SIZES)));
            maybe(() -> virtioMem.put("requestedSize", pick(SIZES)));
            maybe(() -> virtioMem.put("blockSize", pick("2Mi", "4Mi", "3Mi", "1Gi", "256Mi")));
        }
        if (chance(8)) {
            devices.putArray("vhostUser").addObject().put("type", "fs").put("socketPath", "/run/fs.sock");
        }
        maybe(() -> devices.withObject("/network").put("mode", pick("none", "user")));
        ObjectNode freeze = spec.withObject("/freeze");
        maybe(() -> freeze.put("trigger", pick("SerialConsole", "Delay", "GuestAgent", "Manual")));
        maybe(() -> freeze.remove("serialConsolePattern"));
        maybe(() -> freeze.put("serialConsolePattern", pick("READY", "(", "[a-z]+", "login:")));
        maybe(() -> freeze.put("delaySeconds", random.nextInt(100)));
        if (chance(3)) {
            ArrayNode capabilities = freeze.putArray("migrationCapabilities");
            for (int n = random.nextInt(3); n > 0; n--) {
                capabilities.add(pick(CAPABILITIES));
            }
        }
        if (chance(2)) {
            ArrayNode args = spec.withObject("/qemu").putArray("extraArgs");
            for (int n = random.nextInt(6); n > 0; n--) {
                args.add(pick(ARGS));
            }
        }
        if (chance(10)) {
            spec.withObject("/boot").remove(pick("kernel", "initrd", "cmdline"));
        }
        if (chance(20)) {
            spec.put(pick("cpus", "memory", "boot"), pick("x", "[1]")); // wrong types reach the reader
        }
        return tree;
    }

    private ObjectNode randomClone() {
        ObjectNode tree = Fixtures.tree(Fixtures.CLONE);
        ObjectNode spec = (ObjectNode) tree.get("spec");
        maybe(() -> spec.put("cpus", random.nextInt(5)));
        maybe(() -> spec.put("machine", pick("q35", "pc")));
        maybe(() -> spec.withObject("/memory").put("size", pick(SIZES)));
        maybe(() -> spec.withObject("/virtioMem").put("requestedSize", pick(SIZES)));
        maybe(() -> spec.remove(pick("virtioMem", "portForwards", "memory")));
        maybe(() -> spec.withArray("portForwards").addObject().put("podPort", pick("2222", "80")).put("guestPort", 22));
        if (chance(10)) {
            spec.withObject("/templateRef").remove("name");
        }
        return tree;
    }

    private boolean chance(int oneIn) {
        return random.nextInt(oneIn) == 0;
    }

    private void maybe(Runnable edit) {
        if (chance(3)) {
            edit.run();
        }
    }

    private String pick(String... values) {
        return values[random.nextInt(values.length)];
    }

    private static List<Violation> concat(List<Violation> a, List<Violation> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(json, e);
        }
    }
}
