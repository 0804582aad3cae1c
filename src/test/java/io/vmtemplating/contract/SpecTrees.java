package io.vmtemplating.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small helpers for building and editing generated objects as JSON trees. */
final class SpecTrees {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final String API_VERSION = "vmtemplating.io/v1alpha1";

    private SpecTrees() {
    }

    static ObjectNode object(String kind, String name) {
        ObjectNode root = NODES.objectNode().put("apiVersion", API_VERSION).put("kind", kind);
        root.putObject("metadata").put("name", name);
        return root;
    }

    /** A size as the API writes it: Gi when whole gibibytes (sometimes), else Mi. */
    static String size(long mebibytes, Random random) {
        return mebibytes % 1024 == 0 && random.nextBoolean() ? (mebibytes / 1024) + "Gi" : mebibytes + "Mi";
    }

    static <T> T pick(Random random, List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    @SafeVarargs
    static <T> T pick(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    static ArrayNode strings(String... values) {
        ArrayNode array = NODES.arrayNode();
        for (String value : values) {
            array.add(value);
        }
        return array;
    }

    /** A path step: an object field name or a list index. */
    record Step(String name, int index) {
        static Step field(String name) {
            return new Step(name, -1);
        }

        static Step item(int index) {
            return new Step(null, index);
        }

        boolean isItem() {
            return name == null;
        }
    }

    /** Kubernetes' form of a path: {@code spec.portForwards[0].podPort}. */
    static String render(List<Step> path) {
        StringBuilder out = new StringBuilder();
        for (Step step : path) {
            if (step.isItem()) {
                out.append('[').append(step.index()).append(']');
            } else {
                out.append(out.isEmpty() ? "" : ".").append(step.name());
            }
        }
        return out.toString();
    }

    /** The node at a path, or null when any step is missing. */
    static JsonNode at(JsonNode root, List<Step> path) {
        JsonNode node = root;
        for (Step step : path) {
            if (node == null) {
                return null;
            }
            node = step.isItem() ? node.get(step.index()) : node.get(step.name());
        }
        return node;
    }

    /** Sets a value where the parent exists; returns false when it does not. */
    static boolean set(JsonNode root, List<Step> path, JsonNode value) {
        JsonNode parent = at(root, path.subList(0, path.size() - 1));
        Step last = path.get(path.size() - 1);
        if (last.isItem() && parent instanceof ArrayNode array && last.index() < array.size()) {
            array.set(last.index(), value);
            return true;
        }
        if (!last.isItem() && parent instanceof ObjectNode object) {
            object.set(last.name(), value);
            return true;
        }
        return false;
    }

    static List<Step> path(List<Step> parent, Step step) {
        List<Step> path = new ArrayList<>(parent);
        path.add(step);
        return path;
    }
}
