package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Optional;

/** What a validating admission webhook decides: the violations of a create (old empty) or an update. */
@FunctionalInterface
public interface AdmissionCheck {
    List<String> violations(HasMetadata object, Optional<HasMetadata> old, AdmissionLookup lookup);

    /** Reads other stored objects, as the webhook reads the API (a clone's template). */
    @FunctionalInterface
    interface AdmissionLookup {
        Optional<HasMetadata> get(String kind, String namespace, String name);
    }
}
