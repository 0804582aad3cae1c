package io.vmtemplating.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Paths of a spec as the CRD's schema names them ("spec.devices.balloon.targetSize", "spec.qemu.extraArgs[]" for a
 * list's items, which here means its first item) read and changed on a spec's JSON tree.
 */
final class SpecPaths {
    private SpecPaths() {
    }

    /** The path with list items numbered as a refusal names them: "spec.qemu.extraArgs[0]". */
    static String concrete(String path) {
        return path.replace("[]", "[0]");
    }

    /** The node at the path, or null. */
    static JsonNode get(ObjectNode spec, String path) {
        JsonNode node = spec;
        for (String step : steps(path)) {
            node = step.endsWith("[]") ? node.path(step.substring(0, step.length() - 2)).path(0) : node.path(step);
        }
        return node.isMissingNode() ? null : node;
    }

    /** Sets the value at the path, making the objects on the way (and a first list item) where missing. */
    static void set(ObjectNode spec, String path, JsonNode value) {
        String[] steps = steps(path);
        ObjectNode parent = parent(spec, steps);
        String last = steps[steps.length - 1];
        if (last.endsWith("[]")) {
            ArrayNode items = parent.withArray(last.substring(0, last.length() - 2));
            if (items.isEmpty()) {
                items.add(value);
            } else {
                items.set(0, value);
            }
        } else {
            parent.set(last, value);
        }
    }

    static void remove(ObjectNode spec, String path) {
        String[] steps = steps(path);
        parent(spec, steps).remove(steps[steps.length - 1]);
    }

    private static ObjectNode parent(ObjectNode spec, String[] steps) {
        ObjectNode node = spec;
        for (int i = 0; i < steps.length - 1; i++) {
            String step = steps[i];
            if (step.endsWith("[]")) {
                ArrayNode items = node.withArray(step.substring(0, step.length() - 2));
                if (items.isEmpty()) {
                    items.addObject();
                }
                node = (ObjectNode) items.get(0);
            } else {
                node = node.withObjectProperty(step);
            }
        }
        return node;
    }

    /** The steps after "spec". */
    private static String[] steps(String path) {
        if (!path.startsWith("spec.")) {
            throw new IllegalArgumentException(path + " is not under spec");
        }
        return path.substring("spec.".length()).split("\\.");
    }
}
