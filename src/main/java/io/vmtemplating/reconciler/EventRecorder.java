package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Kubernetes Events on phase changes and failures, as `kubectl describe` shows them. */
public final class EventRecorder {
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);
    private final KubernetesClient client;
    private final Clock clock;
    /** Events recorded while holding, posted by {@link #flush}. */
    private final java.util.List<Runnable> held = new java.util.ArrayList<>();
    private boolean holding;

    public EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /**
     * Holds what is recorded until {@link #flush}: a reconcile then writes the status a user waits for (a claim's
     * Running) before its Events, each of which is a write to the API server (measured: docs/pools.md).
     */
    EventRecorder holding() {
        this.holding = true;
        return this;
    }

    /** Posts the held events, in the order they were recorded. */
    void flush() {
        held.forEach(Runnable::run);
        held.clear();
    }

    public void normal(HasMetadata object, String reason, String message) {
        record(object, "Normal", reason, message);
    }

    public void warning(HasMetadata object, String reason, String message) {
        record(object, "Warning", reason, message);
    }

    private void record(HasMetadata object, String type, String reason, String message) {
        String now = Instant.now(clock).toString();
        if (holding) {
            held.add(() -> post(object, type, reason, message, now));
        } else {
            post(object, type, reason, message, now);
        }
    }

    private void post(HasMetadata object, String type, String reason, String message, String now) {
        try {
            client.v1().events().inNamespace(object.getMetadata().getNamespace()).resource(new EventBuilder()
                    .withNewMetadata()
                        .withName(object.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8))
                        .withNamespace(object.getMetadata().getNamespace())
                    .endMetadata()
                    .withNewInvolvedObject()
                        .withApiVersion(object.getApiVersion()).withKind(object.getKind())
                        .withName(object.getMetadata().getName()).withNamespace(object.getMetadata().getNamespace())
                        .withUid(object.getMetadata().getUid())
                    .endInvolvedObject()
                    .withType(type).withReason(reason)
                    .withMessage(message.length() > 1024 ? message.substring(0, 1024) : message)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withNewSource().withComponent(VmResources.MANAGED_BY).endSource()
                    .build()).create();
        } catch (KubernetesClientException e) {
            // an event is a courtesy: never fail a reconcile for it
            LOG.debugf("could not record event %s on %s: %s", reason, VmResources.key(object), e.getMessage());
        }
    }
}
