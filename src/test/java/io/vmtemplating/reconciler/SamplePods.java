package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.VmTemplateStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The three pods the reconcilers build for samples/demo (a template and its first clone), as {@link LauncherPods}
 * makes them: what tests assert on and what the end-to-end suite sends to a real API server's PodSecurity admission.
 */
public final class SamplePods {
    public static final String TEMPLATE_UID = "5b3e0c1a-2d4f-4e6a-8b9c-0d1e2f3a4b5c";
    public static final String NODE = "node-a";

    /** One pod of each kind, in the order template, clone, cleanup. */
    public record Set(Pod templatePod, Pod clonePod, Pod cleanupPod) {
        public List<Pod> all() {
            return List.of(templatePod, clonePod, cleanupPod);
        }
    }

    private SamplePods() {
    }

    public static Set build(OperatorSettings settings, String namespace) {
        VmTemplate template = template(namespace);
        VmClone clone = read("samples/demo/clone-1.yaml", VmClone.class);
        clone.getMetadata().setNamespace(namespace);
        clone.getMetadata().setUid("7c4f1d2b-3e5a-4f6b-9c0d-1e2f3a4b5c6d");
        LauncherPods pods = new LauncherPods(settings);
        return new Set(pods.templatePod(template, 1), pods.clonePod(clone, template), pods.cleanupPod(template, NODE));
    }

    /** samples/demo/template.yaml as the reconcilers see it once Ready on {@link #NODE}. */
    public static VmTemplate template(String namespace) {
        VmTemplate template = read("samples/demo/template.yaml", VmTemplate.class);
        template.getMetadata().setNamespace(namespace);
        template.getMetadata().setUid(TEMPLATE_UID);
        template.setStatus(new VmTemplateStatus(TemplatePhase.Ready, List.of(), 1L, NODE, "demo-build-1", null, null, null,
                null, 0, 0));
        return template;
    }

    public static <T> T read(String file, Class<T> type) {
        try {
            return Serialization.unmarshal(Files.readString(Path.of(file)), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
