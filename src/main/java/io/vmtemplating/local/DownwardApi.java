package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A pod's own fields by their fieldPath, for environment variables and downwardAPI volume files. */
final class DownwardApi {
    private static final Pattern ONE_KEY = Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]");

    private DownwardApi() {
    }

    /** @return the field's value, "" for a field this node does not know (as an unset field reads) */
    static String value(Pod pod, String podIp, String fieldPath) {
        Matcher oneKey = ONE_KEY.matcher(fieldPath);
        if (oneKey.matches()) {
            return Objects.requireNonNullElse(map(pod, oneKey.group(1)).get(oneKey.group(2)), "");
        }
        return switch (fieldPath) {
            case "metadata.name" -> pod.getMetadata().getName();
            case "metadata.namespace" -> pod.getMetadata().getNamespace();
            case "metadata.uid" -> pod.getMetadata().getUid();
            // the volume file format: one key="value" line per entry, sorted
            case "metadata.labels", "metadata.annotations" -> map(pod, fieldPath.substring("metadata.".length()))
                    .entrySet().stream().map(e -> e.getKey() + "=\"" + e.getValue() + "\"").collect(Collectors.joining("\n"));
            case "spec.nodeName" -> pod.getSpec().getNodeName();
            case "spec.serviceAccountName" -> Objects.requireNonNullElse(pod.getSpec().getServiceAccountName(), "");
            case "status.podIP", "status.podIPs" -> podIp;
            case "status.hostIP", "status.hostIPs" -> NodeDocuments.HOST_IP;
            default -> "";
        };
    }

    private static Map<String, String> map(Pod pod, String which) {
        Map<String, String> values = which.equals("labels") ? pod.getMetadata().getLabels() : pod.getMetadata().getAnnotations();
        return values == null ? Map.of() : new TreeMap<>(values);
    }
}
