package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.vmtemplating.api.v1alpha1.ApiGroup;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmClonePool;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/** Every name and label the operator derives, in one place, so tests, users and code agree. */
public final class VmResources {
    public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "vmtemplating-operator";
    public static final String LABEL_ROLE = ApiGroup.GROUP + "/role";
    public static final String LABEL_TEMPLATE = ApiGroup.GROUP + "/template";
    public static final String LABEL_TEMPLATE_UID = ApiGroup.GROUP + "/template-uid";
    public static final String LABEL_CLONE = ApiGroup.GROUP + "/clone";
    public static final String LABEL_ATTEMPT = ApiGroup.GROUP + "/attempt";
    /** Which of a template's copies a build or cleanup pod is for (absent: copy 0, as pods from before copies). */
    public static final String LABEL_COPY = ApiGroup.GROUP + "/copy";
    public static final String ROLE_TEMPLATE = "template";
    public static final String ROLE_CLONE = "clone";
    public static final String ROLE_CLEANUP = "cleanup";
    /** A pool's warm member: restored and paused, owned by its pool until a claim adopts it (then ROLE_CLONE). */
    public static final String ROLE_POOL_MEMBER = "pool-member";
    public static final String LABEL_POOL = ApiGroup.GROUP + "/pool";

    /** The user asks a Manual-trigger template to freeze by setting this annotation to "now". */
    public static final String ANNOTATION_FREEZE = ApiGroup.GROUP + "/freeze";
    public static final String CONTAINER_NAME = "launcher";

    /** Kubernetes names are at most 63 characters: long names keep a prefix and gain a stable hash. */
    private static final int MAX_NAME = 63;

    private VmResources() {
    }

    public static String templatePodName(VmTemplate template, int attempt) {
        return templatePodName(template, 0, attempt);
    }

    /** Copy 0 keeps the name pods had before copies existed, so an upgraded operator finds its builds. */
    public static String templatePodName(VmTemplate template, int copy, int attempt) {
        return boundedName(template.getMetadata().getName(), (copy == 0 ? "" : "-copy" + copy) + "-build-" + attempt);
    }

    /** The copy a build pod is for. */
    public static int copyOf(io.fabric8.kubernetes.api.model.Pod pod) {
        String label = pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(LABEL_COPY);
        try {
            return label == null ? 0 : Integer.parseInt(label);
        } catch (NumberFormatException e) {
            return -1; // no copy of ours
        }
    }

    public static String clonePodName(VmClone clone) {
        return boundedName(clone.getMetadata().getName(), "-vm");
    }

    public static String cleanupPodName(VmTemplate template) {
        return cleanupPodName(template, 0);
    }

    /** The cleanup pod that empties the node a copy left when that node left the template's placement. */
    public static String drainPodName(VmTemplate template, int copy) {
        return boundedName(template.getMetadata().getName(), "-copy" + copy + "-drain");
    }

    /** One cleanup pod per node holding files; the first keeps the name it had before copies existed. */
    public static String cleanupPodName(VmTemplate template, int index) {
        return boundedName(template.getMetadata().getName(), "-cleanup" + (index == 0 ? "" : "-" + index));
    }

    public static Map<String, String> templatePodLabels(VmTemplate template, int attempt) {
        return templatePodLabels(template, 0, attempt);
    }

    public static Map<String, String> templatePodLabels(VmTemplate template, int copy, int attempt) {
        return Map.of(LABEL_MANAGED_BY, MANAGED_BY, LABEL_ROLE, ROLE_TEMPLATE,
                LABEL_TEMPLATE, labelValue(template.getMetadata().getName()),
                LABEL_TEMPLATE_UID, template.getMetadata().getUid(), LABEL_ATTEMPT, Integer.toString(attempt),
                LABEL_COPY, Integer.toString(copy));
    }

    public static Map<String, String> cleanupPodLabels(VmTemplate template) {
        return Map.of(LABEL_MANAGED_BY, MANAGED_BY, LABEL_ROLE, ROLE_CLEANUP,
                LABEL_TEMPLATE, labelValue(template.getMetadata().getName()),
                LABEL_TEMPLATE_UID, template.getMetadata().getUid());
    }

    public static Map<String, String> clonePodLabels(VmClone clone, VmTemplate template) {
        return Map.of(LABEL_MANAGED_BY, MANAGED_BY, LABEL_ROLE, ROLE_CLONE,
                LABEL_CLONE, labelValue(clone.getMetadata().getName()),
                LABEL_TEMPLATE, labelValue(template.getMetadata().getName()),
                LABEL_TEMPLATE_UID, template.getMetadata().getUid());
    }

    /** A member's name: the pool's, with a random suffix (members come and go; a claim keeps the name it adopted). */
    public static String poolMemberPodName(VmClonePool pool) {
        String suffix = "-" + Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36), 36);
        return boundedName(pool.getMetadata().getName(), suffix);
    }

    public static Map<String, String> poolMemberLabels(VmClonePool pool, VmTemplate template) {
        return Map.of(LABEL_MANAGED_BY, MANAGED_BY, LABEL_ROLE, ROLE_POOL_MEMBER,
                LABEL_POOL, labelValue(pool.getMetadata().getName()),
                LABEL_TEMPLATE, labelValue(template.getMetadata().getName()),
                LABEL_TEMPLATE_UID, template.getMetadata().getUid());
    }

    /** The selector of a pool's members: its status.selector, for the scale subresource. */
    public static String poolMemberSelector(VmClonePool pool) {
        return podSelector(ROLE_POOL_MEMBER) + "," + LABEL_POOL + "=" + labelValue(pool.getMetadata().getName());
    }

    /**
     * The template a clone restores from: its templateRef, or for a claim the template its pool had when the claim
     * was served (status.claim.template); empty for a claim not served yet.
     */
    public static java.util.Optional<String> templateOf(VmClone clone) {
        if (clone.getSpec() != null && clone.getSpec().templateRef() != null) {
            return java.util.Optional.ofNullable(clone.getSpec().templateRef().name());
        }
        return java.util.Optional.ofNullable(clone.getStatus()).map(s -> s.claim()).map(c -> c.template());
    }

    /** Label selector of the pods one controller watches. */
    public static String podSelector(String role) {
        return LABEL_MANAGED_BY + "=" + MANAGED_BY + "," + LABEL_ROLE + "=" + role;
    }

    static String boundedName(String base, String suffix) {
        if (base.length() + suffix.length() <= MAX_NAME) {
            return base + suffix;
        }
        String hash = shortHash(base);
        String prefix = base.substring(0, MAX_NAME - suffix.length() - hash.length() - 1).replaceAll("[-.]+$", "");
        return prefix + "-" + hash + suffix;
    }

    /** Label values are limited to 63 characters too. */
    static String labelValue(String name) {
        return boundedName(name, "");
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String key(HasMetadata resource) {
        return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
    }
}
