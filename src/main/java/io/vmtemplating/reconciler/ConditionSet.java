package io.vmtemplating.reconciler;

import io.vmtemplating.api.v1alpha1.types.Condition;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the conditions a reconcile decides on and merges them with the previous ones: a condition whose
 * status did not change keeps its lastTransitionTime, so an unchanged object patches nothing.
 */
public final class ConditionSet {
    private final Map<String, Condition> previous = new LinkedHashMap<>();
    private final Map<String, Condition> next = new LinkedHashMap<>();
    private final long generation;
    private final Clock clock;

    public ConditionSet(List<Condition> previous, Long generation, Clock clock) {
        if (previous != null) {
            previous.forEach(c -> this.previous.put(c.type(), c));
        }
        this.generation = generation == null ? 0 : generation;
        this.clock = clock;
    }

    public ConditionSet set(String type, String status, String reason, String message) {
        Condition before = previous.get(type);
        String transition = before != null && status.equals(before.status())
                ? before.lastTransitionTime()
                : Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        next.put(type, new Condition(type, status, reason, message, transition, generation));
        return this;
    }

    /** The merged list: conditions set in this reconcile, in the order set; others are dropped. */
    public List<Condition> toList() {
        return new ArrayList<>(next.values());
    }
}
