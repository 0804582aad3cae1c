package io.vmtemplating.launcher;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmtemplating.api.v1alpha1.VmTemplateSpec;

/** The launcher's one ObjectMapper, created on first use. */
final class Json {
    /**
     * placement (fabric8 Affinity, Toleration) is the scheduler's business: ignoring it keeps Jackson from loading
     * dozens of Kubernetes model classes before QEMU starts.
     */
    @JsonIgnoreProperties(value = {"placement"}, ignoreUnknown = false)
    private abstract static class LauncherView {
    }

    static final ObjectMapper MAPPER = new ObjectMapper().addMixIn(VmTemplateSpec.class, LauncherView.class);

    private Json() {
    }

    /** @throws InvalidSpecException naming the environment variable and, when Jackson knows it, the field */
    static <T> T parseSpec(String envName, String json, Class<T> type) {
        if (json == null || json.isBlank()) {
            throw new InvalidSpecException(envName, "is not set: the pod must pass the " + type.getSimpleName() + " as JSON");
        }
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            String field = e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping && !mapping.getPath().isEmpty()
                    ? " at spec" + path(mapping) : "";
            throw new InvalidSpecException(envName, "is not valid JSON of a " + type.getSimpleName() + field + ": " + e.getOriginalMessage());
        }
    }

    private static String path(com.fasterxml.jackson.databind.JsonMappingException mapping) {
        StringBuilder path = new StringBuilder();
        for (var reference : mapping.getPath()) {
            if (reference.getFieldName() != null) {
                path.append('.').append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
