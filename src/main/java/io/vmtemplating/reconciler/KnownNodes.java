package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.Objects;
import java.util.Optional;

/**
 * The cluster's Nodes, from an informer: a node whose object is gone (deleted by its admin or its cloud) took the
 * template copy and the VMs on it with it. Only templates with several copies act on it (docs/placement.md): a
 * template with one copy keeps its node as it always did.
 */
final class KnownNodes<P extends HasMetadata> {
    private final InformerEventSource<Node, P> informer;

    /** @param toPrimaries the objects of the controller that a node's arrival, departure or new labels concern */
    KnownNodes(String name, EventSourceContext<P> context, Class<P> primary, SecondaryToPrimaryMapper<Node> toPrimaries) {
        var config = InformerEventSourceConfiguration.from(Node.class, primary)
                .withName(name)
                .withSecondaryToPrimaryMapper(toPrimaries)
                // heartbeats rewrite a node's status every few seconds: only its labels and its existence matter here
                .withOnUpdateFilter((before, after) -> !Objects.equals(before.getMetadata().getLabels(), after.getMetadata().getLabels()))
                .build();
        this.informer = new InformerEventSource<>(config, context);
    }

    InformerEventSource<Node, P> eventSource() {
        return informer;
    }

    /** The node as the informer last saw it; empty when it is gone (or the name is null). */
    Optional<Node> node(String nodeName) {
        return nodeName == null ? Optional.empty() : informer.get(new ResourceID(nodeName));
    }

    /** The node is gone from the API server (never: null). */
    boolean gone(String nodeName) {
        return nodeName != null && informer.get(new ResourceID(nodeName)).isEmpty();
    }
}
