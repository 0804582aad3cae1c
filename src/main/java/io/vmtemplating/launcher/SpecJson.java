package io.vmtemplating.launcher;

import io.vmtemplating.json.JsonText;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the pod's spec JSON ({@link JsonText}) into the API records without Jackson: Jackson's first use costs 0.5–1 s of class loading
 * and introspection on a loaded 2-core node, and it would sit between the launcher's start and QEMU's exec (the
 * launcher overhead must stay under 100 ms). Supports what the API records use: records, strings, integers, booleans,
 * enums (by their JSON name), lists and string maps. Unknown fields are refused, like Jackson's default; placement is
 * skipped (the scheduler's business, and its fabric8 types are heavy).
 */
final class SpecJson {
    private static final Set<String> SKIPPED = Set.of("placement");

    private SpecJson() {
    }

    static <T> T parse(String envName, String json, Class<T> type) {
        return bindSpec(envName, tree(envName, json, type), type);
    }

    /** The JSON as plain values ({@link JsonText}), for checks that read the spec as the API server does. */
    static Object tree(String envName, String json, Class<?> type) {
        if (json == null || json.isBlank()) {
            throw new InvalidSpecException(envName, "is not set: the pod must pass the " + type.getSimpleName() + " as JSON");
        }
        try {
            return JsonText.parse(json);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException(envName, notJson(type) + ": " + e.getMessage());
        }
    }

    /** The JSON values into the API record; null for a JSON null. */
    static <T> T bindSpec(String envName, Object tree, Class<T> type) {
        try {
            return type.cast(bind(tree, type, "spec"));
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException(envName, notJson(type) + " at " + e.getMessage());
        }
    }

    private static String notJson(Class<?> type) {
        return "is not valid JSON of a " + type.getSimpleName();
    }

    // ---- binding

    private static Object bind(Object value, Type type, String path) {
        if (value == null) {
            return null;
        }
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (raw == String.class) {
            return expect(value, String.class, path, "a string");
        }
        if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class) {
            Object number = expect(value, Number.class, path, "a number");
            if (number instanceof Double) {
                throw new IllegalArgumentException(path + ": expected a whole number, got " + number);
            }
            if (number instanceof java.math.BigInteger) {
                throw new IllegalArgumentException(path + ": " + number + " is out of range");
            }
            long whole = ((Number) number).longValue();
            if (raw == Integer.class || raw == int.class) {
                if (whole != (int) whole) {
                    throw new IllegalArgumentException(path + ": " + whole + " is out of range");
                }
                return (int) whole;
            }
            return whole;
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return expect(value, Boolean.class, path, "true or false");
        }
        if (raw.isEnum()) {
            return enumConstant(raw, expect(value, String.class, path, "a string"), path);
        }
        if (raw == List.class) {
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            List<?> items = expect(value, List.class, path, "a list");
            List<Object> bound = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                bound.add(bind(items.get(i), element, path + "[" + i + "]"));
            }
            return bound;
        }
        if (raw == Map.class) {
            Type valueType = ((ParameterizedType) type).getActualTypeArguments()[1];
            Map<?, ?> entries = expect(value, Map.class, path, "an object");
            Map<String, Object> bound = new LinkedHashMap<>();
            entries.forEach((k, v) -> bound.put((String) k, bind(v, valueType, path + "." + k)));
            return bound;
        }
        if (raw.isRecord()) {
            return record(raw, expect(value, Map.class, path, "an object"), path);
        }
        throw new IllegalArgumentException(path + ": the launcher cannot read " + raw.getSimpleName());
    }

    private static Object record(Class<?> type, Map<?, ?> fields, String path) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] arguments = new Object[components.length];
        Class<?>[] parameterTypes = new Class<?>[components.length];
        for (Object key : fields.keySet()) {
            boolean known = SKIPPED.contains(key);
            for (RecordComponent component : components) {
                known |= component.getName().equals(key);
            }
            if (!known) {
                throw new IllegalArgumentException(path + "." + key + ": unknown field");
            }
        }
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            parameterTypes[i] = component.getType();
            if (!SKIPPED.contains(component.getName())) {
                arguments[i] = bind(fields.get(component.getName()), component.getGenericType(), path + "." + component.getName());
            }
        }
        try {
            Constructor<?> constructor = type.getDeclaredConstructor(parameterTypes);
            return constructor.newInstance(arguments);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException(path + ": " + e.getCause().getMessage());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName(), e);
        }
    }

    /** By the constant's JSON name: its name loosely ("tmpfs" = TMPFS, "2Mi" = SIZE_2MI), else its @JsonProperty. */
    private static Object enumConstant(Class<?> type, String value, String path) {
        Object[] constants = type.getEnumConstants();
        String wanted = loose(value);
        for (Object constant : constants) {
            String name = loose(((Enum<?>) constant).name());
            if (name.equals(wanted) || name.equals("size" + wanted)) {
                return constant;
            }
        }
        // rare: a JSON name unlike the constant's; only now load the annotation classes
        for (Object constant : constants) {
            try {
                var property = type.getField(((Enum<?>) constant).name()).getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
                if (property != null && property.value().equals(value)) {
                    return constant;
                }
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException(e);
            }
        }
        List<String> names = new ArrayList<>();
        for (Object constant : constants) {
            names.add(((Enum<?>) constant).name());
        }
        throw new IllegalArgumentException(path + ": '" + value + "' is not one of " + names);
    }

    private static String loose(String name) {
        return name.replace("_", "").toLowerCase(java.util.Locale.ROOT);
    }

    @SuppressWarnings("unchecked")
    private static <T> T expect(Object value, Class<T> type, String path, String what) {
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException(path + ": expected " + what);
        }
        return (T) value;
    }
}
