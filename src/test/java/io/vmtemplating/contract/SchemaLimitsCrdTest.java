package io.vmtemplating.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.vmtemplating.webhook.SchemaLimits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link SchemaLimits} (the launcher's copy of the CRDs' value limits) is crds/ exactly: every pattern, range, length,
 * item count and enum under spec, placement aside (the launcher does not read it), and nothing else; it reads the Go
 * patterns as the API server does, admits the values at each limit and refuses those just outside with a fix.
 */
class SchemaLimitsCrdTest {
    private static final Set<String> LIMIT_KEYWORDS = Set.of("pattern", "minimum", "maximum", "maxLength", "maxItems", "enum");
    /** Value keywords the table has no record for: a CRD that starts using one fails here until it has. */
    private static final Set<String> UNKNOWN_KEYWORDS = Set.of("minLength", "minItems", "exclusiveMinimum", "exclusiveMaximum",
            "multipleOf", "format", "uniqueItems", "maxProperties", "minProperties");

    @Test
    void templateLimitsAreTheCrds() throws IOException {
        assertEquals(crdLimits("crds/vmtemplates.vmtemplating.io-v1.yml"), tableLimits(SchemaLimits.templateLimits()));
    }

    @Test
    void cloneLimitsAreTheCrds() throws IOException {
        assertEquals(crdLimits("crds/vmclones.vmtemplating.io-v1.yml"), tableLimits(SchemaLimits.cloneLimits()));
    }

    /** java.util.regex with the final $ as \z gives re2j's (Go's) answer on near misses of every pattern. */
    @Test
    void patternsMatchAsGoMatches() {
        List<String> probes = List.of("", "q35", "q35\n", "\nq35", "pc", "pc-q35-10.0", "pc-q35-10.0\n", "pc-i440fx-9.2", "x-remote",
                "q35,memory-backend=m", "512Mi", "512Mi\n", "0", "0\n", "0Mi", "1234567Gi", "12345678Gi", "/var/lib/k", "/a\nb",
                "/a\u0000", "vmlinuz", "boot/vmlinuz", "boot/\n", "claim-1", "claim-", "Claim", "a.b", "a/b", "events",
                "validate-uuid", "Events", "a".repeat(64), "a".repeat(65), "é", "😀");
        for (SchemaLimits.Limit limit : all()) {
            if (limit instanceof SchemaLimits.Matches matches) {
                com.google.re2j.Pattern go = com.google.re2j.Pattern.compile(matches.regex());
                for (String probe : probes) {
                    assertEquals(!go.matcher(probe).find(), matches.refusal(probe).isPresent(),
                            matches.path() + " " + matches.regex() + " on " + new TextNode(probe));
                }
            }
        }
    }

    @Test
    void valuesAtEachLimitPassAndJustOutsideAreRefusedWithAFix() {
        for (SchemaLimits.Limit limit : all()) {
            List<Object> inside = new ArrayList<>();
            List<Object> outside = new ArrayList<>();
            if (limit instanceof SchemaLimits.Range range) {
                inside.addAll(List.of(range.min(), range.max()));
                outside.addAll(List.of(range.min() - 1, range.max() + 1, java.math.BigInteger.TWO.pow(70)));
            } else if (limit instanceof SchemaLimits.MaxLength length) {
                // the API server counts characters, not UTF-16 units: 512 emoji are 1024 chars in Java
                inside.addAll(List.of("x".repeat(length.max()), "😀".repeat(length.max())));
                outside.add("é".repeat(length.max() + 1));
            } else if (limit instanceof SchemaLimits.MaxItems items) {
                inside.add(Collections.nCopies(items.max(), "x"));
                outside.add(Collections.nCopies(items.max() + 1, "x"));
            } else if (limit instanceof SchemaLimits.OneOf oneOf) {
                inside.addAll(oneOf.values());
                outside.addAll(List.of(oneOf.values().get(0).toUpperCase(), "Bogus"));
            } else if (limit instanceof SchemaLimits.Matches matches) {
                outside.add("a\u0000"); // outside every pattern of ours: none allows NUL, and the paths need it elsewhere
            }
            for (Object value : inside) {
                assertEquals(Optional.empty(), limit.refusal(value), limit + " refuses " + value);
            }
            for (Object value : outside) {
                Optional<String> refusal = limit.refusal(value);
                assertTrue(refusal.isPresent() && refusal.get().contains("; "), limit + " on " + value + ": " + refusal);
            }
        }
    }

    /** The launcher runs the table over the spec it received: a refusal names the field with its list index. */
    @Test
    void refusalsNameTheFieldWithItsIndex() {
        Map<String, Object> spec = Map.of("machine", "x-remote", "qemu", Map.of("extraArgs", List.of("-rtc", "x".repeat(1025))),
                "memory", Map.of("size", "512Mi", "numaNodes", List.of(Map.of("size", "256Mi"), Map.of("size", "256MB"))));
        List<String> fields = SchemaLimits.template(spec).stream().map(v -> v.fieldPath()).toList();
        assertEquals(List.of("spec.machine", "spec.memory.numaNodes[1].size", "spec.qemu.extraArgs[1]"), fields);
    }

    private static List<SchemaLimits.Limit> all() {
        List<SchemaLimits.Limit> all = new ArrayList<>(SchemaLimits.templateLimits());
        all.addAll(SchemaLimits.cloneLimits());
        return all;
    }

    private static Set<String> tableLimits(List<SchemaLimits.Limit> limits) {
        Set<String> described = new TreeSet<>();
        for (SchemaLimits.Limit limit : limits) {
            if (limit instanceof SchemaLimits.Matches matches) {
                described.add(limit.path() + " pattern " + matches.regex());
            } else if (limit instanceof SchemaLimits.Range range) {
                described.add(limit.path() + " minimum " + range.min());
                described.add(limit.path() + " maximum " + range.max());
            } else if (limit instanceof SchemaLimits.MaxLength length) {
                described.add(limit.path() + " maxLength " + length.max());
            } else if (limit instanceof SchemaLimits.MaxItems items) {
                described.add(limit.path() + " maxItems " + items.max());
            } else if (limit instanceof SchemaLimits.OneOf oneOf) {
                described.add(limit.path() + " enum " + new TreeSet<>(oneOf.values()));
            }
        }
        return described;
    }

    private static Set<String> crdLimits(String file) throws IOException {
        JsonNode spec = CrdSchemas.YAML.readTree(ProjectFiles.ROOT.resolve(file).toFile()).path("spec").path("versions").get(0)
                .path("schema").path("openAPIV3Schema").path("properties").path("spec");
        Set<String> described = new TreeSet<>();
        walk(spec, "spec", described);
        return described;
    }

    private static void walk(JsonNode schema, String path, Set<String> out) {
        if (path.equals("spec.placement")) {
            return; // SpecJson skips it: the scheduler's business
        }
        for (String keyword : LIMIT_KEYWORDS) {
            if (schema.has(keyword)) {
                JsonNode value = schema.get(keyword);
                String text = switch (keyword) {
                    case "pattern" -> value.asText();
                    case "enum" -> {
                        Set<String> values = new TreeSet<>();
                        value.forEach(v -> values.add(v.asText()));
                        yield values.toString();
                    }
                    default -> Long.toString(value.asLong());
                };
                out.add(path + " " + keyword + " " + text);
            }
        }
        for (String keyword : UNKNOWN_KEYWORDS) {
            assertTrue(!schema.has(keyword), path + " has " + keyword + ", which SchemaLimits cannot express yet");
        }
        for (Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields(); properties.hasNext(); ) {
            Map.Entry<String, JsonNode> property = properties.next();
            walk(property.getValue(), path + "." + property.getKey(), out);
        }
        if (schema.has("items")) {
            walk(schema.get("items"), path + "[]", out);
        }
    }
}
