package io.vmtemplating.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmtemplating.crd.CrdCatalog;
import io.vmtemplating.crd.CrdVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * At least 500 VmTemplates and VmClones, deterministic (fixed seed), each with the verdict it must get: valid
 * variations of every field, and objects broken in one way each — a limit of the CRD's schema (derived from the
 * schema: {@link SchemaMutations}), a CEL rule, a webhook rule, metadata, apiVersion/kind, an unknown field.
 * Clones that must meet their template name one of {@link #baseTemplates()}, which a test creates first.
 * ValidateDifferentialIT checks every one against a real API server; GeneratedSpecsTest checks the promises.
 */
public final class GeneratedSpecs {

    public static final long SEED = 20261130L;
    private static final int RANDOM_TEMPLATES = 200;
    private static final int RANDOM_CLONES = 110;

    /** What the API server must answer to a create of the object. */
    public enum Expect { ADMITTED, REFUSED }

    /**
     * One generated object.
     *
     * @param check     what it exercises: "valid", a schema keyword ("pattern", "maximum", ...), "unknown-field",
     *                  "cel", "webhook", "metadata" or "apiVersion"
     * @param templates the templates that must exist before it (none, or one of {@link #baseTemplates()})
     */
    public record Spec(String id, String check, Expect expect, String what, List<ObjectNode> templates, ObjectNode object) {
        public String kind() {
            return object.path("kind").asText();
        }
    }

    /** A valid object and the templates it needs, to derive broken ones from. */
    record Base(ObjectNode object, List<ObjectNode> templates) {
    }

    private GeneratedSpecs() {
    }

    /** Templates clones refer to; valid, and different where clones must match them (cpus, network, virtio-mem). */
    public static List<ObjectNode> baseTemplates() {
        List<ObjectNode> templates = new ArrayList<>();
        Random random = new Random(SEED - 1);
        ValidSpecs valid = new ValidSpecs(random);
        for (int i = 0; i < 6; i++) {
            ObjectNode template = valid.template("base-template-" + i);
            ObjectNode devices = template.withObject("/spec").withObject("/devices");
            devices.putObject("network").put("mode", i % 2 == 0 ? "user" : "none");
            if (i % 3 != 2) {
                String page = template.path("spec").path("memory").path("hugePageSize").asText("");
                devices.putObject("virtioMem").put("size", "4Gi").put("blockSize", page.equals("1Gi") ? "1Gi" : i == 0 ? "2Mi" : "64Mi");
            } else {
                devices.remove("virtioMem");
            }
            templates.add(template);
        }
        return templates;
    }

    public static List<Spec> all() {
        Random random = new Random(SEED);
        ValidSpecs valid = new ValidSpecs(random);
        List<ObjectNode> bases = baseTemplates();
        List<Spec> specs = new ArrayList<>();
        List<Base> validTemplates = new ArrayList<>();
        List<Base> validClones = new ArrayList<>();
        for (int i = 0; i < RANDOM_TEMPLATES; i++) {
            ObjectNode template = valid.template("t");
            validTemplates.add(new Base(template, List.of()));
            add(specs, "valid", Expect.ADMITTED, "random valid template", List.of(), template);
        }
        CrdCatalog catalog = CrdCatalog.fromClassPath();
        JsonNode templateSchema = specSchema(catalog, "VmTemplate");
        for (int i = 0; i < 3; i++) {
            ObjectNode full = valid.template("t");
            full.withObject("/spec").withObject("/placement").set("affinity",
                    SchemaFill.of(templateSchema.path("properties").path("placement").path("properties").path("affinity")));
            validTemplates.add(new Base(full, List.of()));
            add(specs, "valid", Expect.ADMITTED, "valid template with every placement field", List.of(), full);
        }
        for (int i = 0; i < RANDOM_CLONES; i++) {
            boolean withTemplate = random.nextInt(5) > 0;
            ObjectNode template = withTemplate ? bases.get(random.nextInt(bases.size())) : null;
            ObjectNode clone = valid.clone("c", template, withTemplate ? template.path("metadata").path("name").asText() : "absent-template");
            List<ObjectNode> needs = withTemplate ? List.of(template) : List.of();
            validClones.add(new Base(clone, needs));
            add(specs, "valid", Expect.ADMITTED, withTemplate ? "valid clone of a template" : "valid clone before its template", needs, clone);
        }
        pools(specs, bases, valid, random);
        SchemaMutations mutations = new SchemaMutations(random);
        for (SchemaMutations.Mutation m : mutations.of(templateSchema, validTemplates)) {
            add(specs, m.keyword(), Expect.REFUSED, m.path(), m.base().templates(), m.object());
        }
        for (SchemaMutations.Mutation m : mutations.of(specSchema(catalog, "VmClone"), validClones)) {
            add(specs, m.keyword(), Expect.REFUSED, m.path(), m.base().templates(), m.object());
        }
        for (List<RuleBreakers.Edit> edits : List.of(RuleBreakers.cel(), RuleBreakers.templateWebhook(), RuleBreakers.jsonForms())) {
            for (RuleBreakers.Edit edit : edits) {
                for (int copy = 0; copy < 2; copy++) {
                    Base base = validTemplates.get(random.nextInt(validTemplates.size()));
                    ObjectNode object = base.object().deepCopy();
                    edit.change().accept(object);
                    add(specs, edit.check(), edit.expect(), edit.what(), List.of(), object);
                }
            }
        }
        List<Base> clonesOfTemplates = validClones.stream().filter(b -> !b.templates().isEmpty()).toList();
        for (RuleBreakers.CloneEdit edit : RuleBreakers.cloneWebhook()) {
            for (int copy = 0; copy < 3; copy++) {
                Base base = clonesOfTemplates.get(random.nextInt(clonesOfTemplates.size()));
                ObjectNode object = base.object().deepCopy();
                edit.change().accept(object, base.templates().get(0));
                add(specs, edit.check(), Expect.REFUSED, edit.what(), base.templates(), object);
            }
        }
        cloneShapes(specs, bases, valid);
        for (List<RuleBreakers.Edit> edits : List.of(RuleBreakers.metadata(), RuleBreakers.apiVersion())) {
            for (RuleBreakers.Edit edit : edits) {
                for (List<Base> kind : List.of(validTemplates, validClones)) {
                    Base base = kind.get(random.nextInt(kind.size()));
                    ObjectNode object = base.object().deepCopy();
                    name(object, specs.size());
                    edit.change().accept(object);
                    specs.add(new Spec(id(specs.size()), edit.check(), edit.expect(), edit.what(), base.templates(), object));
                }
            }
        }
        return List.copyOf(specs);
    }

    /**
     * Pools, with and without their template, and a claim on each (the pool is what the claim needs to exist); a
     * claim on a pool that does not exist is refused.
     */
    private static void pools(List<Spec> specs, List<ObjectNode> bases, ValidSpecs valid, Random random) {
        for (int i = 0; i < 6; i++) {
            boolean withTemplate = i % 3 != 0;
            ObjectNode template = withTemplate ? bases.get(random.nextInt(bases.size())) : null;
            ObjectNode pool = valid.pool("p", template, withTemplate ? template.path("metadata").path("name").asText() : "absent-template");
            add(specs, "valid", Expect.ADMITTED, withTemplate ? "valid pool of a template" : "valid pool before its template",
                    withTemplate ? List.of(template) : List.of(), pool);
            // the pool a claim needs is created for real (ValidateDifferentialIT): with no members, whatever the cluster runs
            ObjectNode needed = specs.get(specs.size() - 1).object().deepCopy();
            needed.withObject("/spec").put("replicas", 0);
            // a name of its own: a checker that creates what it is given already holds the pool spec above
            needed.withObject("/metadata").put("name", "pool-for-" + id(specs.size()));
            add(specs, "valid", Expect.ADMITTED, "valid claim on a pool", List.of(needed),
                    valid.claim("c", needed.path("metadata").path("name").asText()));
        }
        add(specs, "webhook", Expect.REFUSED, "claim on a pool that does not exist", List.of(), valid.claim("c", "absent-pool"));
    }

    /** Clone rules that depend on what the template lacks: a user network, a virtio-mem device. */
    private static void cloneShapes(List<Spec> specs, List<ObjectNode> bases, ValidSpecs valid) {
        for (ObjectNode template : bases) {
            String name = template.path("metadata").path("name").asText();
            JsonNode devices = template.path("spec").path("devices");
            ObjectNode clone = valid.clone("c", template, name);
            if (!devices.path("network").path("mode").asText().equals("user")) {
                clone.withObject("/spec").putArray("portForwards").addObject().put("podPort", 8080).put("guestPort", 80);
                add(specs, "webhook", Expect.REFUSED, "port forwards without a user network", List.of(template), clone);
            }
            clone = valid.clone("c", template, name);
            JsonNode virtioMem = devices.path("virtioMem");
            if (virtioMem.isMissingNode()) {
                clone.withObject("/spec").putObject("virtioMem").put("requestedSize", "64Mi");
                add(specs, "webhook", Expect.REFUSED, "virtio-mem request without the device", List.of(template), clone);
            } else {
                clone.withObject("/spec").putObject("virtioMem").put("requestedSize", "5Gi");
                add(specs, "webhook", Expect.REFUSED, "virtio-mem request beyond the device", List.of(template), clone);
                if (!virtioMem.path("blockSize").asText().equals("2Mi")) {
                    ObjectNode odd = valid.clone("c", template, name);
                    odd.withObject("/spec").putObject("virtioMem").put("requestedSize", "1026Mi");
                    add(specs, "webhook", Expect.REFUSED, "virtio-mem request not a multiple of the block", List.of(template), odd);
                }
            }
        }
    }

    private static void add(List<Spec> specs, String check, Expect expect, String what, List<ObjectNode> templates, ObjectNode object) {
        ObjectNode named = object.deepCopy();
        name(named, specs.size());
        specs.add(new Spec(id(specs.size()), check, expect, what, templates, named));
    }

    /** Every object gets its own name: dry runs of several objects of one name would otherwise collide. */
    private static void name(ObjectNode object, int index) {
        if (object.path("metadata").isObject()) {
            object.withObject("/metadata").put("name", id(index));
        }
    }

    private static String id(int index) {
        return String.format("gen-%04d", index);
    }

    private static JsonNode specSchema(CrdCatalog catalog, String kind) {
        return catalog.versions().stream().filter(v -> v.kind().equals(kind)).map(CrdVersion::schema).findFirst()
                .orElseThrow().path("properties").path("spec");
    }
}
