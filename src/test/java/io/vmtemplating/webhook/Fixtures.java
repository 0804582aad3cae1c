package io.vmtemplating.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;

import java.io.UncheckedIOException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Minimal valid objects as editable trees, so each test case changes one field in one line. */
public final class Fixtures {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Map<String, ObjectNode> PARSED = new ConcurrentHashMap<>();

    public static final String TEMPLATE = """
            apiVersion: vmtemplating.io/v1alpha1
            kind: VmTemplate
            metadata:
              name: busybox
              namespace: default
            spec:
              cpus: 2
              memory:
                size: 512Mi
              boot:
                kernel:
                  hostPath:
                    path: /var/lib/vmtemplating/guest/vmlinuz
                initrd:
                  hostPath:
                    path: /var/lib/vmtemplating/guest/initrd.gz
                cmdline: console=ttyS0 quiet
              devices:
                network:
                  mode: user
                virtioMem:
                  size: 1Gi
                  requestedSize: "0"
                  blockSize: 2Mi
              freeze:
                trigger: SerialConsole
                serialConsolePattern: GUEST-READY
            """;

    public static final String CLONE = """
            apiVersion: vmtemplating.io/v1alpha1
            kind: VmClone
            metadata:
              name: busybox-1
              namespace: default
            spec:
              templateRef:
                name: busybox
              cpus: 2
              memory:
                size: 512Mi
              virtioMem:
                requestedSize: 128Mi
              portForwards:
                - podPort: 2222
                  guestPort: 22
            """;

    private Fixtures() {
    }

    /** A fresh, editable tree; parsed once per text (the generated-input test asks thousands of times). */
    public static ObjectNode tree(String yaml) {
        return PARSED.computeIfAbsent(yaml, text -> {
            try {
                return (ObjectNode) YAML.readTree(text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).deepCopy();
    }

    public static final String POOL = """
            apiVersion: vmtemplating.io/v1alpha1
            kind: VmClonePool
            metadata:
              name: warm
              namespace: default
            spec:
              templateRef:
                name: busybox
              replicas: 3
              memory:
                expectedPrivate: 64Mi
              portForwards:
                - podPort: 2222
                  guestPort: 22
            """;

    public static final String CLAIM = """
            apiVersion: vmtemplating.io/v1alpha1
            kind: VmClone
            metadata:
              name: claim-1
              namespace: default
            spec:
              poolRef:
                name: warm
            """;

    public static io.vmtemplating.api.v1alpha1.VmClonePool pool(JsonNode tree) {
        return read(tree, io.vmtemplating.api.v1alpha1.VmClonePool.class);
    }

    public static VmTemplate template(JsonNode tree) {
        return read(tree, VmTemplate.class);
    }

    public static VmClone vmClone(JsonNode tree) {
        return read(tree, VmClone.class);
    }

    public static VmTemplate template() {
        return template(tree(TEMPLATE));
    }

    public static VmClone vmClone() {
        return vmClone(tree(CLONE));
    }

    private static <T> T read(JsonNode tree, Class<T> type) {
        ResourceReader.Result<T> result = ResourceReader.read(tree, type);
        if (result.error() != null) {
            throw new IllegalArgumentException(result.error().render());
        }
        return result.resource();
    }
}
