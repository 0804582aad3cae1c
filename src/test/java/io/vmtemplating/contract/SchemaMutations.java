package io.vmtemplating.contract;

import static io.vmtemplating.contract.SpecTrees.NODES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.vmtemplating.contract.SpecTrees.Step;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Broken objects derived from the CRD schema itself: for every node under spec and every limit it declares (type,
 * enum, pattern, minimum, maximum, maxLength, maxItems, required, and the closed set of properties), one valid
 * object with exactly that limit broken. Read from the schema, so a limit added to the API classes gets its
 * broken case without anyone writing it.
 */
final class SchemaMutations {

    /** One broken object: which keyword it breaks, where, and the object with the valid objects it needs first. */
    record Mutation(String keyword, String path, GeneratedSpecs.Base base, ObjectNode object) {
    }

    private final Random random;

    SchemaMutations(Random random) {
        this.random = random;
    }

    /** Every mutation of one kind's spec; {@code bases} are valid objects of that kind to break. */
    List<Mutation> of(JsonNode specSchema, List<GeneratedSpecs.Base> bases) {
        List<Mutation> mutations = new ArrayList<>();
        walk(specSchema, List.of(Step.field("spec")), bases, mutations);
        return mutations;
    }

    private void walk(JsonNode schema, List<Step> path, List<GeneratedSpecs.Base> bases, List<Mutation> out) {
        mutate(schema, path, bases, out);
        for (Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields(); properties.hasNext(); ) {
            Map.Entry<String, JsonNode> property = properties.next();
            walk(property.getValue(), SpecTrees.path(path, Step.field(property.getKey())), bases, out);
        }
        if (schema.has("items")) {
            walk(schema.get("items"), SpecTrees.path(path, Step.item(0)), bases, out);
        }
    }

    private void mutate(JsonNode schema, List<Step> path, List<GeneratedSpecs.Base> bases, List<Mutation> out) {
        String type = schema.path("type").asText();
        // the value replaced must be settable: its parent present in some valid object
        Optional<GeneratedSpecs.Base> parentHolder = holding(bases, path.subList(0, path.size() - 1));
        Optional<GeneratedSpecs.Base> holder = holding(bases, path);
        parentHolder.ifPresent(base -> {
            add(out, "type", path, base, wrongType(type));
            if (schema.has("enum")) {
                String valid = schema.get("enum").get(random.nextInt(schema.get("enum").size())).asText();
                add(out, "enum", path, base, TextNode.valueOf(random.nextBoolean() ? "Bogus" : valid.toUpperCase()));
            }
            if (schema.has("maximum")) {
                add(out, "maximum", path, base, NODES.numberNode(schema.get("maximum").asLong() + 1));
            }
            if (schema.has("minimum")) {
                add(out, "minimum", path, base, NODES.numberNode(schema.get("minimum").asLong() - 1));
            }
            if (schema.has("maxLength")) {
                add(out, "maxLength", path, base, TextNode.valueOf("x".repeat(schema.get("maxLength").asInt() + 1)));
            }
            if (schema.has("pattern")) {
                JsonNode current = holder.map(b -> SpecTrees.at(b.object(), path)).orElse(null);
                add(out, "pattern", path, base, TextNode.valueOf(notMatching(schema.get("pattern").asText(),
                        current == null ? "" : current.asText(), schema.path("maxLength").asInt(Integer.MAX_VALUE))));
            }
        });
        holder.ifPresent(base -> {
            JsonNode current = SpecTrees.at(base.object(), path);
            if (schema.has("maxItems") && current.isArray() && !current.isEmpty()) {
                ArrayNode tooMany = NODES.arrayNode();
                while (tooMany.size() <= schema.get("maxItems").asInt()) {
                    tooMany.add(current.get(tooMany.size() % current.size()).deepCopy());
                }
                add(out, "maxItems", path, base, tooMany);
            }
            if (current.isObject()) {
                for (JsonNode required : schema.path("required")) {
                    ObjectNode without = (ObjectNode) current.deepCopy();
                    if (without.remove(required.asText()) != null) {
                        add(out, "required", path, base, without);
                    }
                }
                if (schema.path("additionalProperties").isObject()) {
                    ObjectNode entry = (ObjectNode) current.deepCopy();
                    entry.set("example.com/key", wrongType(schema.path("additionalProperties").path("type").asText()));
                    add(out, "type", path, base, entry);
                }
                if (schema.has("properties") && !schema.has("additionalProperties")) {
                    ObjectNode extra = (ObjectNode) current.deepCopy();
                    extra.put(random.nextBoolean() ? "unknownField" : "bogus", random.nextInt(100));
                    add(out, "unknown-field", path, base, extra);
                }
            }
        });
    }

    private static void add(List<Mutation> out, String keyword, List<Step> path, GeneratedSpecs.Base base, JsonNode value) {
        ObjectNode object = base.object().deepCopy();
        if (SpecTrees.set(object, path, value)) {
            out.add(new Mutation(keyword, SpecTrees.render(path), base, object));
        }
    }

    /** A valid object where the path (its last step, for the parent) exists, picked at random among those. */
    private Optional<GeneratedSpecs.Base> holding(List<GeneratedSpecs.Base> bases, List<Step> path) {
        List<GeneratedSpecs.Base> holders = bases.stream().filter(b -> SpecTrees.at(b.object(), path) != null).toList();
        return holders.isEmpty() ? Optional.empty() : Optional.of(holders.get(random.nextInt(holders.size())));
    }

    private JsonNode wrongType(String type) {
        return switch (type) {
            case "string" -> random.nextBoolean() ? NODES.numberNode(5) : NODES.booleanNode(true);
            case "integer" -> random.nextBoolean() ? TextNode.valueOf("5") : NODES.numberNode(1.5);
            case "boolean" -> random.nextBoolean() ? TextNode.valueOf("true") : NODES.numberNode(1);
            case "array" -> random.nextBoolean() ? NODES.objectNode().put("a", "b") : TextNode.valueOf("x");
            default -> random.nextBoolean() ? TextNode.valueOf("x") : NODES.arrayNode().add(1);
        };
    }

    /**
     * A string the pattern refuses, close to a valid one where possible: the valid value with a trailing newline
     * first (Go's $ refuses it, java.util.regex's would not), then common near misses.
     */
    private String notMatching(String pattern, String valid, int maxLength) {
        com.google.re2j.Pattern re = com.google.re2j.Pattern.compile(pattern);
        List<String> candidates = new ArrayList<>(List.of(valid + "\n", valid.toUpperCase() + "X", " " + valid, valid + " ",
                "", "/abs/path", "a/../b", "-a", "a-", "512MB", "0", "UPPER", "x y", "\u0000"));
        List<String> refused = candidates.stream()
                .filter(c -> !re.matcher(c).find() && c.codePointCount(0, c.length()) <= maxLength).toList();
        if (refused.isEmpty()) {
            throw new IllegalStateException("no refused value found for pattern " + pattern);
        }
        // mostly the first (the closest miss), sometimes another, so both kinds of miss get exercised
        return random.nextInt(3) == 0 ? refused.get(random.nextInt(refused.size())) : refused.get(0);
    }
}
