package io.vmtemplating.webhook;

import io.vmtemplating.api.v1alpha1.VmClonePool;
import java.util.Optional;

/** Finds a claim's pool; empty when it does not exist. The webhook reads a watch-fed cache, tests a map. */
@FunctionalInterface
public interface PoolLookup {

    Optional<VmClonePool> find(String namespace, String name);

    PoolLookup NONE = (namespace, name) -> Optional.empty();
}
