package io.vmtemplating.webhook;

import io.vmtemplating.api.v1alpha1.VmTemplate;

import java.util.Optional;

/** Finds a clone's template; empty when it does not exist (yet). The webhook reads the API server, tests a map. */
@FunctionalInterface
public interface TemplateLookup {

    Optional<VmTemplate> find(String namespace, String name);
}
