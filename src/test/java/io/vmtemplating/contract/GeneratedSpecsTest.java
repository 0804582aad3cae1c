package io.vmtemplating.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmtemplating.crd.CrdCatalog;
import io.vmtemplating.crd.CrdVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator keeps its promises: enough specs, both verdicts, every kind of limit, every field varied validly. */
class GeneratedSpecsTest {

    private static final List<GeneratedSpecs.Spec> SPECS = GeneratedSpecs.all();
    /** Schema keywords that limit a value, and the check name the generator gives their broken cases. */
    private static final Map<String, String> LIMITS = Map.ofEntries(Map.entry("type", "type"), Map.entry("enum", "enum"),
            Map.entry("pattern", "pattern"), Map.entry("minimum", "minimum"), Map.entry("maximum", "maximum"),
            Map.entry("minLength", "minLength"), Map.entry("maxLength", "maxLength"), Map.entry("minItems", "minItems"),
            Map.entry("maxItems", "maxItems"), Map.entry("maxProperties", "maxProperties"), Map.entry("required", "required"),
            Map.entry("properties", "unknown-field"), Map.entry("x-kubernetes-validations", "cel"));
    /** Fields no valid object can set: the webhook refuses vhost-user devices whatever they say. */
    private static final Set<String> NEVER_VALID = Set.of("spec.devices.vhostUser");

    @Test
    void atLeast500AndTheSameEveryTime() {
        assertTrue(SPECS.size() >= 500, SPECS.size() + " specs");
        List<GeneratedSpecs.Spec> again = GeneratedSpecs.all();
        assertEquals(SPECS.size(), again.size());
        for (int i = 0; i < SPECS.size(); i++) {
            assertEquals(SPECS.get(i).object(), again.get(i).object(), SPECS.get(i).id());
        }
        assertEquals(SPECS.size(), SPECS.stream().map(GeneratedSpecs.Spec::id).distinct().count(), "ids are unique");
    }

    @Test
    void bothVerdictsAndBothKindsAreWellRepresented() {
        for (GeneratedSpecs.Expect expect : GeneratedSpecs.Expect.values()) {
            for (String kind : List.of("VmTemplate", "VmClone")) {
                long count = SPECS.stream().filter(s -> s.expect() == expect && s.kind().equalsIgnoreCase(kind)).count();
                assertTrue(count >= 50, count + " " + expect + " " + kind + " specs");
            }
            long share = SPECS.stream().filter(s -> s.expect() == expect).count() * 100 / SPECS.size();
            assertTrue(share >= 30, expect + " is only " + share + "% of the specs");
        }
    }

    @Test
    void everyLimitInTheCrdsAndEveryOtherCheckIsBroken() {
        Set<String> needed = new TreeSet<>(List.of("webhook", "metadata", "apiVersion", "unknown-field", "cel"));
        for (CrdVersion crd : CrdCatalog.fromClassPath().versions()) {
            keywords(crd.schema().path("properties").path("spec"), needed);
        }
        Set<String> broken = SPECS.stream().filter(s -> s.expect() == GeneratedSpecs.Expect.REFUSED)
                .map(GeneratedSpecs.Spec::check).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(broken.containsAll(needed), "not broken by any spec: " + difference(needed, broken));
    }

    @Test
    void everyFieldHasValidVariations() {
        Set<String> fields = new TreeSet<>();
        for (CrdVersion crd : CrdCatalog.fromClassPath().versions()) {
            leaves(crd.schema().path("properties").path("spec"), "spec", fields);
        }
        fields.removeIf(f -> NEVER_VALID.stream().anyMatch(f::startsWith));
        Set<String> set = new TreeSet<>();
        SPECS.stream().filter(s -> s.expect() == GeneratedSpecs.Expect.ADMITTED)
                .forEach(s -> leaves(s.object().path("spec"), "spec", set));
        assertTrue(set.containsAll(fields), "never set validly: " + difference(fields, set));
    }

    /** The promise itself, against the in-process checker (the real server is ValidateDifferentialIT's job). */
    @Test
    void vmtValidateGivesEveryPromisedVerdict(@TempDir Path dir) {
        List<String> broken = new ArrayList<>();
        for (GeneratedSpecs.Spec spec : SPECS) {
            List<JsonNode> documents = new ArrayList<>(spec.templates());
            documents.add(spec.object());
            VmtValidate.Result result = VmtValidate.objects(documents, dir).last();
            boolean admitted = result.valid();
            if (admitted != (spec.expect() == GeneratedSpecs.Expect.ADMITTED)) {
                broken.add(spec.id() + " (" + spec.check() + ": " + spec.what() + ") expected " + spec.expect() + ", vmt validate: "
                        + result.message() + "\n    " + spec.object());
            }
        }
        assertTrue(broken.isEmpty(), broken.size() + " specs got another verdict:\n" + String.join("\n", broken));
    }

    @Test
    void vmtValidateReadsYamlAsKubectlDoes(@TempDir Path dir) throws java.io.IOException {
        List<String> broken = new ArrayList<>();
        for (YamlForms.Form form : YamlForms.all()) {
            Path file = java.nio.file.Files.writeString(dir.resolve(form.id() + ".yaml"), form.yaml());
            VmtValidate.Result result = VmtValidate.file(file).last();
            if (result.valid() != (form.expect() == GeneratedSpecs.Expect.ADMITTED)) {
                broken.add(form.id() + " " + form.what() + ": expected " + form.expect() + ", vmt validate: " + result.message());
            }
        }
        assertTrue(broken.isEmpty(), String.join("\n", broken));
    }

    private static void keywords(JsonNode schema, Set<String> out) {
        for (Iterator<String> names = schema.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (LIMITS.containsKey(name)) {
                out.add(LIMITS.get(name));
            }
        }
        schema.path("properties").forEach(p -> keywords(p, out));
        if (schema.has("items")) {
            keywords(schema.get("items"), out);
        }
        if (schema.path("additionalProperties").isObject()) {
            keywords(schema.get("additionalProperties"), out);
        }
    }

    /**
     * Leaf paths, list indexes and map keys written [*]: from a schema (its properties, items, map values) or from
     * an object (what it sets).
     */
    private static void leaves(JsonNode node, String path, Set<String> out) {
        boolean schema = node.has("type") || node.has("properties");
        if (schema && node.path("type").asText().equals("object") && !node.has("properties") && node.has("additionalProperties")) {
            leaves(node.get("additionalProperties"), path + "[*]", out);
        } else if (schema && node.has("properties")) {
            node.get("properties").fields().forEachRemaining(f -> leaves(f.getValue(), path + "." + f.getKey(), out));
        } else if (schema && node.has("items")) {
            leaves(node.get("items"), path + "[*]", out);
        } else if (!schema && node.isObject() && !node.isEmpty()) {
            node.fields().forEachRemaining(f -> leaves(f.getValue(), path + (isMapKey(path) ? "[*]" : "." + f.getKey()), out));
        } else if (!schema && node.isArray() && !node.isEmpty()) {
            node.forEach(item -> leaves(item, path + "[*]", out));
        } else {
            out.add(path);
        }
    }

    /** Maps in our schemas: a value under them is keyed by the user, not a field. */
    private static boolean isMapKey(String path) {
        return path.endsWith("nodeSelector") || path.endsWith("matchLabels");
    }

    private static Set<String> difference(Set<String> wanted, Set<String> have) {
        Set<String> missing = new TreeSet<>(wanted);
        missing.removeAll(have);
        return missing;
    }
}
