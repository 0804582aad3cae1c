package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.api.v1alpha1.types.PlacementSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where the scheduler may put a template's pods, as pure functions: the builds of a template with several copies
 * each on their own node, its clones on the nodes with a Ready copy, spread. The nodes are matched by name with
 * {@code matchFields metadata.name}, as the DaemonSet controller pins its pods, so the scheduler still checks the
 * node's resources, taints and the template's own selector and affinity.
 */
final class PlacementAffinity {
    static final String HOSTNAME = "kubernetes.io/hostname";
    private static final String NODE_NAME_FIELD = "metadata.name";

    private PlacementAffinity() {
    }

    /**
     * The affinity of a copy's build pod: the template's own, and for a template with several copies, none of the
     * nodes already holding one ({@code otherCopies}) and no node where another build of the template runs.
     */
    static Affinity forCopy(PlacementSpec placement, String templateUid, Collection<String> otherCopies) {
        Affinity own = placement.affinity();
        if (PlacementSpec.copiesOf(placement) == 1) {
            return own;
        }
        // a copy of the user's affinity: the spec object stays as it was read
        Affinity affinity = own == null ? new Affinity() : Serialization.clone(own);
        if (!otherCopies.isEmpty()) {
            // the API server takes a single value per metadata.name requirement: one NotIn each, ANDed in a term
            List<NodeSelectorRequirement> notThere = otherCopies.stream().sorted().map(node -> new NodeSelectorRequirementBuilder()
                    .withKey(NODE_NAME_FIELD).withOperator("NotIn").withValues(node).build()).toList();
            NodeAffinity nodeAffinity = Optional.ofNullable(affinity.getNodeAffinity()).orElseGet(NodeAffinity::new);
            NodeSelector required = nodeAffinity.getRequiredDuringSchedulingIgnoredDuringExecution();
            List<NodeSelectorTerm> terms = required == null || required.getNodeSelectorTerms() == null
                    || required.getNodeSelectorTerms().isEmpty()
                    ? List.of(new NodeSelectorTerm()) : required.getNodeSelectorTerms();
            // terms are ORed: the exclusion goes into each of them
            List<NodeSelectorTerm> withExclusion = new ArrayList<>();
            for (NodeSelectorTerm term : terms) {
                withExclusion.add(new NodeSelectorTermBuilder(term).addAllToMatchFields(notThere).build());
            }
            nodeAffinity.setRequiredDuringSchedulingIgnoredDuringExecution(new NodeSelector(withExclusion));
            affinity.setNodeAffinity(nodeAffinity);
        }
        PodAffinityTerm apartFromSiblings = new PodAffinityTermBuilder()
                .withTopologyKey(HOSTNAME)
                .withLabelSelector(new LabelSelectorBuilder()
                        .addToMatchLabels(VmResources.LABEL_ROLE, VmResources.ROLE_TEMPLATE)
                        .addToMatchLabels(VmResources.LABEL_TEMPLATE_UID, templateUid).build())
                .build();
        PodAntiAffinity antiAffinity = Optional.ofNullable(affinity.getPodAntiAffinity()).orElseGet(PodAntiAffinity::new);
        List<PodAffinityTerm> required = new ArrayList<>(Optional.ofNullable(
                antiAffinity.getRequiredDuringSchedulingIgnoredDuringExecution()).orElse(List.of()));
        required.add(apartFromSiblings);
        antiAffinity.setRequiredDuringSchedulingIgnoredDuringExecution(required);
        affinity.setPodAntiAffinity(antiAffinity);
        return affinity;
    }

    /** The nodes a build pod's affinity excludes by name (every term carries the same exclusions). */
    static Set<String> excludedNodes(Affinity affinity) {
        if (affinity == null || affinity.getNodeAffinity() == null
                || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null
                || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms() == null
                || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms().isEmpty()) {
            return Set.of();
        }
        NodeSelectorTerm first = affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms().get(0);
        return Optional.ofNullable(first.getMatchFields()).orElse(List.of()).stream()
                .filter(r -> NODE_NAME_FIELD.equals(r.getKey()) && "NotIn".equals(r.getOperator()) && r.getValues() != null)
                .flatMap(r -> r.getValues().stream()).collect(java.util.stream.Collectors.toSet());
    }

    /**
     * A clone's pod goes to one of the nodes with a Ready copy of its template: a term per node, ORed (the API server
     * takes a single value per metadata.name requirement).
     */
    static Affinity onReadyCopies(List<String> readyNodes) {
        List<NodeSelectorTerm> terms = readyNodes.stream().map(node -> new NodeSelectorTermBuilder()
                .addToMatchFields(new NodeSelectorRequirementBuilder().withKey(NODE_NAME_FIELD)
                        .withOperator("In").withValues(node).build())
                .build()).toList();
        return new AffinityBuilder().withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution().withNodeSelectorTerms(terms)
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity().build();
    }

    /**
     * A template's clones and pool members spread over its nodes, one more on a node than on another at most while
     * each has room: a preference (ScheduleAnyway), so a full node never keeps a clone Pending while another has room.
     */
    static TopologySpreadConstraint spreadClones(String templateUid) {
        return new TopologySpreadConstraintBuilder()
                .withMaxSkew(1)
                .withTopologyKey(HOSTNAME)
                .withWhenUnsatisfiable("ScheduleAnyway")
                .withLabelSelector(new LabelSelectorBuilder()
                        .addToMatchLabels(VmResources.LABEL_TEMPLATE_UID, templateUid)
                        .addToMatchExpressions(new LabelSelectorRequirementBuilder().withKey(VmResources.LABEL_ROLE)
                                .withOperator("In").withValues(VmResources.ROLE_CLONE, VmResources.ROLE_POOL_MEMBER).build())
                        .build())
                .build();
    }
}
