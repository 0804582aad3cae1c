package io.vmtemplating.reconciler;

import io.vmtemplating.api.v1alpha1.types.MemoryBackend;

/**
 * Where a template's files live on its node. Every path derives from the template's UID, never from a user
 * string, so no name can reach outside these roots.
 */
public record NodeLayout(String stateRoot, String tmpfsRoot, String hugetlbfsRoot) {

    public static final NodeLayout DEFAULT =
            new NodeLayout("/var/lib/vmtemplating/templates", "/dev/shm/vmtemplating", "/dev/hugepages/vmtemplating");

    public String stateDir(String templateUid) {
        return stateRoot + "/" + requireUid(templateUid);
    }

    public String memoryRoot(MemoryBackend backend) {
        return backend == MemoryBackend.HUGETLBFS ? hugetlbfsRoot : tmpfsRoot;
    }

    public String memoryDir(String templateUid, MemoryBackend backend) {
        return memoryRoot(backend) + "/" + requireUid(templateUid);
    }

    private static String requireUid(String uid) {
        if (uid == null || !uid.matches("[0-9a-fA-F-]{1,64}")) {
            throw new IllegalArgumentException("not a Kubernetes UID: " + uid);
        }
        return uid;
    }
}
