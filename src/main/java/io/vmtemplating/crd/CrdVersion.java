package io.vmtemplating.crd;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One served version of a CRD: what its objects are called, the structural schema they must follow, and whether
 * status is a subresource (then a create cannot set it: the server drops it).
 */
public record CrdVersion(String group, String version, String kind, String plural, boolean namespaced, JsonNode schema,
                         boolean statusSubresource) {

    public String apiVersion() {
        return group + "/" + version;
    }

    /** How the API server names the resource in its errors, e.g. {@code VmTemplate.vmtemplating.io}. */
    public String qualifiedKind() {
        return kind + "." + group;
    }
}
