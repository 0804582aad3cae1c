package io.vmtemplating.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * YAML documents as kubectl turns them into JSON (sigs.k8s.io/yaml over go-yaml v2): SnakeYAML parses the syntax,
 * {@link GoYamlScalars} gives plain scalars go-yaml's meaning, quoted ones stay strings, explicit tags (!!str,
 * !!int, ...) are honoured, anchors and merge keys ({@code <<}) expand, a repeated key keeps its last value, map
 * keys become strings as sigs.k8s.io/yaml writes them, and a value JSON cannot hold (.nan, .inf) fails the file as
 * it fails kubectl.
 */
final class KubectlYaml {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String CORE = "tag:yaml.org,2002:";

    /** A document that kubectl could not turn into JSON either; the message says where and why. */
    static final class NotJsonException extends RuntimeException {
        NotJsonException(String message) {
            super(message);
        }
    }

    private KubectlYaml() {
    }

    /** Every document of the stream; an empty one is a JSON null (or Java null when it has no node at all). */
    static List<JsonNode> documents(Reader reader) {
        List<JsonNode> documents = new ArrayList<>();
        Iterator<Event> events = new Yaml(new LoaderOptions()).parse(reader).iterator();
        Map<String, JsonNode> anchors = new HashMap<>();
        while (events.hasNext()) {
            Event event = events.next();
            if (event.is(Event.ID.DocumentStart)) {
                anchors.clear();
                Event first = events.next();
                documents.add(first.is(Event.ID.DocumentEnd) ? null : node(first, events, anchors));
                if (!first.is(Event.ID.DocumentEnd)) {
                    events.next(); // DocumentEnd
                }
            }
        }
        return documents;
    }

    private static JsonNode node(Event event, Iterator<Event> events, Map<String, JsonNode> anchors) {
        JsonNode node;
        if (event instanceof AliasEvent alias) {
            JsonNode target = anchors.get(alias.getAnchor());
            if (target == null) {
                throw new NotJsonException("unknown anchor '" + alias.getAnchor() + "' referenced");
            }
            return target.deepCopy();
        } else if (event instanceof ScalarEvent scalar) {
            node = scalar(scalar);
        } else if (event.is(Event.ID.SequenceStart)) {
            ArrayNode array = NODES.arrayNode();
            for (Event next = events.next(); !next.is(Event.ID.SequenceEnd); next = events.next()) {
                array.add(node(next, events, anchors));
            }
            node = array;
        } else if (event.is(Event.ID.MappingStart)) {
            node = mapping(events, anchors);
        } else {
            throw new NotJsonException("unexpected YAML event " + event.getEventId());
        }
        String anchor = event instanceof NodeEvent named ? named.getAnchor() : null;
        if (anchor != null) {
            anchors.put(anchor, node);
        }
        return node;
    }

    private static ObjectNode mapping(Iterator<Event> events, Map<String, JsonNode> anchors) {
        ObjectNode object = NODES.objectNode();
        List<ObjectNode> merged = new ArrayList<>();
        for (Event keyEvent = events.next(); !keyEvent.is(Event.ID.MappingEnd); keyEvent = events.next()) {
            boolean mergeKey = keyEvent instanceof ScalarEvent k && k.isPlain() && k.getTag() == null && k.getValue().equals("<<");
            JsonNode key = node(keyEvent, events, anchors);
            JsonNode value = node(events.next(), events, anchors);
            if (mergeKey) {
                // go-yaml: the merged map's keys, unless the mapping sets them itself (first merge source wins)
                for (JsonNode source : value.isArray() ? value : List.of(value)) {
                    if (!source.isObject()) {
                        throw new NotJsonException("a merge key (<<) needs a map or a list of maps; fix the anchor it names");
                    }
                    merged.add((ObjectNode) source);
                }
                continue;
            }
            object.set(keyText(key), value);
        }
        for (ObjectNode source : merged) {
            source.fields().forEachRemaining(f -> {
                if (!object.has(f.getKey())) {
                    object.set(f.getKey(), f.getValue().deepCopy());
                }
            });
        }
        return object;
    }

    private static JsonNode scalar(ScalarEvent scalar) {
        String tag = scalar.getTag();
        String value = scalar.getValue();
        if (tag == null || tag.equals("!")) {
            return finite(scalar.isPlain() && tag == null ? GoYamlScalars.plain(value) : NODES.textNode(value));
        }
        if (!tag.startsWith(CORE) || tag.equals(CORE + "str") || tag.equals(CORE + "binary")) {
            return NODES.textNode(value);
        }
        JsonNode resolved = GoYamlScalars.plain(value);
        String wanted = tag.substring(CORE.length());
        boolean matches = switch (wanted) {
            case "int" -> resolved.isIntegralNumber();
            case "float" -> resolved.isNumber();
            case "bool" -> resolved.isBoolean();
            case "null" -> resolved.isNull();
            default -> true;
        };
        if (!matches) {
            throw new NotJsonException("cannot decode `" + value + "` as a !!" + wanted);
        }
        return finite(resolved);
    }

    private static JsonNode finite(JsonNode value) {
        if (value.isDouble() && (value.doubleValue() != value.doubleValue() || Double.isInfinite(value.doubleValue()))) {
            throw new NotJsonException(value.asText() + " is not a JSON number (kubectl: json: unsupported value)");
        }
        return value;
    }

    /** Map keys as sigs.k8s.io/yaml writes them into JSON: booleans and numbers as their text. */
    private static String keyText(JsonNode key) {
        if (key.isNull()) {
            throw new NotJsonException("a map key is null, which JSON cannot hold");
        }
        if (key.isContainerNode()) {
            throw new NotJsonException("a map key is a list or map, which JSON cannot hold");
        }
        return key.asText();
    }
}
