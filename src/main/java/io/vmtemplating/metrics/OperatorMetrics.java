package io.vmtemplating.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The operator's own metrics (docs/metrics.md), beside JOSDK's reconcile metrics in the same registry. Each method
 * states one fact a reconciler or the webhook learnt; the Prometheus names are the Micrometer names with dots as
 * underscores, {@code _seconds} on timers and {@code _total} on counters. Labels are namespace, template and pool
 * names, a kind, a phase or a reason: never a clone's name, so a series lives as long as what it counts.
 *
 * <p>Timers are histograms with fixed buckets (no client-side percentiles): Prometheus adds them up across replicas
 * and computes any quantile with histogram_quantile.
 */
public final class OperatorMetrics {
    public static final String TEMPLATE_BOOT = "vmtemplating.template.boot";
    public static final String TEMPLATE_FREEZE = "vmtemplating.template.freeze";
    public static final String TEMPLATE_BUILDS = "vmtemplating.template.builds";
    public static final String TEMPLATE_PHASE = "vmtemplating.template.phase";
    public static final String TEMPLATE_CLONES = "vmtemplating.template.clones";
    public static final String CLONE_RESTORE = "vmtemplating.clone.restore";
    public static final String CLONE_FAILURES = "vmtemplating.clone.failures";
    public static final String POOL_CLAIMS = "vmtemplating.pool.claims";
    public static final String POOL_CLAIM = "vmtemplating.pool.claim";
    public static final String POOL_REFILLS = "vmtemplating.pool.refills";
    public static final String POOL_MEMBERS = "vmtemplating.pool.members";
    public static final String POOL_READY_MEMBERS = "vmtemplating.pool.ready.members";
    public static final String WEBHOOK_REVIEWS = "vmtemplating.webhook.reviews";
    public static final String WEBHOOK_VIOLATIONS = "vmtemplating.webhook.violations";

    private static final Duration[] BOOT_BUCKETS = seconds(1, 2, 5, 10, 20, 30, 60, 120, 300, 600);
    private static final Duration[] FREEZE_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30);
    private static final Duration[] RESTORE_BUCKETS = seconds(0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10, 30);
    private static final Duration[] CLAIM_BUCKETS = seconds(0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5);

    private final MeterRegistry registry;
    private final Map<List<String>, AtomicLong> gauges = new ConcurrentHashMap<>();
    static final int MAX_FIELDS = 200;
    private final java.util.Set<String> fieldsSeen = ConcurrentHashMap.newKeySet();

    public OperatorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Records nothing: a registry with no children (tests, local mode, the bench). */
    public static OperatorMetrics none() {
        return new OperatorMetrics(new CompositeMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A build attempt froze the template: its boot (QEMU start to freeze trigger) and freeze (state save) times. */
    public void templateFrozen(String namespace, long bootMillis, long freezeMillis) {
        timer(TEMPLATE_BOOT, "Template builds: QEMU started to the freeze trigger", BOOT_BUCKETS, Tags.of("namespace", namespace))
                .record(Duration.ofMillis(bootMillis));
        timer(TEMPLATE_FREEZE, "Template builds: the freeze trigger to the device state saved", FREEZE_BUCKETS,
                Tags.of("namespace", namespace)).record(Duration.ofMillis(freezeMillis));
        templateBuild(namespace, "frozen");
    }

    /** A build attempt ended without a frozen template (it may be retried). */
    public void templateBuildFailed(String namespace) {
        templateBuild(namespace, "failed");
    }

    private void templateBuild(String namespace, String result) {
        Counter.builder(TEMPLATE_BUILDS).description("Template build attempts that ended, by result (frozen, failed)")
                .tags("namespace", namespace, "result", result).register(registry).increment();
    }

    /** The template's phase now: 1 on its phase's series, 0 on the others (a state set, as kube-state-metrics has). */
    public void templatePhase(String namespace, String template, TemplatePhase phase) {
        for (TemplatePhase each : TemplatePhase.values()) {
            gauge(TEMPLATE_PHASE, "1 for the template's current phase, 0 for the others",
                    Tags.of("namespace", namespace, "template", template, "phase", each.name())).set(each == phase ? 1 : 0);
        }
    }

    public void templateClones(String namespace, String template, int clones) {
        gauge(TEMPLATE_CLONES, "VmClones naming the template (claims included)", Tags.of("namespace", namespace, "template", template))
                .set(clones);
    }

    /** The template is gone: its series go too, so that a deleted template raises no alert and takes no memory. */
    public void templateDeleted(String namespace, String template) {
        removeWhere(id -> (id.getName().equals(TEMPLATE_PHASE) || id.getName().equals(TEMPLATE_CLONES))
                && namespace.equals(id.getTag("namespace")) && template.equals(id.getTag("template")));
    }

    /** A clone restored: its launcher's start until the guest ran (or stood paused). */
    public void cloneRestored(String namespace, String template, long restoreMillis) {
        timer(CLONE_RESTORE, "Clone restores: launcher start to the guest running, from the launcher's report",
                RESTORE_BUCKETS, Tags.of("namespace", namespace, "template", template)).record(Duration.ofMillis(restoreMillis));
    }

    /** A clone went Failed; the reason is the Ready condition's (RestoreFailed, Crashed, PodLost, InvalidSpec, ...). */
    public void cloneFailed(String namespace, String template, String reason) {
        Counter.builder(CLONE_FAILURES).description("Clones that went Failed, by the Ready condition's reason")
                .tags("namespace", namespace, "template", template, "reason", reason).register(registry).increment();
    }

    /** A claim was served: warm (a member handed over) or cold (restored as a plain clone), in claimMillis. */
    public void poolClaimed(String namespace, String pool, String path, long claimMillis) {
        Tags tags = Tags.of("namespace", namespace, "pool", pool, "path", path);
        Counter.builder(POOL_CLAIMS).description("Claims served, by path (warm, cold)").tags(tags).register(registry).increment();
        timer(POOL_CLAIM, "Claims: seen to guest resumed (warm) or to launcher pod created (cold)", CLAIM_BUCKETS, tags)
                .record(Duration.ofMillis(claimMillis));
    }

    /** The pool created members to get back to spec.replicas (after claims, a rollout, or at creation). */
    public void poolRefilled(String namespace, String pool, int membersCreated) {
        Counter.builder(POOL_REFILLS).description("Pool members created to keep spec.replicas warm")
                .tags("namespace", namespace, "pool", pool).register(registry).increment(membersCreated);
    }

    public void poolMembers(String namespace, String pool, int members, int readyMembers) {
        Tags tags = Tags.of("namespace", namespace, "pool", pool);
        gauge(POOL_MEMBERS, "The pool's members, restoring or ready", tags).set(members);
        gauge(POOL_READY_MEMBERS, "The pool's members restored, paused and ready to be claimed", tags).set(readyMembers);
    }

    public void poolDeleted(String namespace, String pool) {
        removeWhere(id -> (id.getName().equals(POOL_MEMBERS) || id.getName().equals(POOL_READY_MEMBERS))
                && namespace.equals(id.getTag("namespace")) && pool.equals(id.getTag("pool")));
    }

    /**
     * The webhook answered a review: allowed or denied, and for a deny each violated rule by its field (list indexes
     * left out: spec.qemu.extraArgs[2] counts as spec.qemu.extraArgs[], as docs/admission-rules.md lists the rules).
     */
    public void webhookReview(String kind, String operation, boolean allowed, List<String> violatedFields) {
        Counter.builder(WEBHOOK_REVIEWS).description("Admission reviews answered, by decision (allowed, denied)")
                .tags("kind", kind, "operation", operation, "decision", allowed ? "allowed" : "denied")
                .register(registry).increment();
        violatedFields.stream().map(this::ruleField).distinct().forEach(field ->
                Counter.builder(WEBHOOK_VIOLATIONS).description("Rules broken in denied reviews, by the rule's field")
                        .tags("kind", kind, "field", field).register(registry).increment());
    }

    /**
     * spec.memory.numaNodes[0].size → spec.memory.numaNodes[].size: one series per rule, not per list index. An unknown
     * field's path comes from the request body, so distinct fields are capped ({@value #MAX_FIELDS}); the rest count as
     * "other".
     */
    String ruleField(String fieldPath) {
        String field = fieldPath.replaceAll("\\[\\d+\\]", "[]");
        if (fieldsSeen.contains(field)) {
            return field;
        }
        synchronized (fieldsSeen) {
            if (fieldsSeen.size() >= MAX_FIELDS) {
                return "other";
            }
            fieldsSeen.add(field);
            return field;
        }
    }

    private Timer timer(String name, String description, Duration[] buckets, Tags tags) {
        // the service-level objectives are the buckets (with +Inf); no percentile histogram of Micrometer's own
        return Timer.builder(name).description(description).serviceLevelObjectives(buckets).tags(tags).register(registry);
    }

    private AtomicLong gauge(String name, String description, Tags tags) {
        List<String> key = new java.util.ArrayList<>();
        key.add(name);
        tags.forEach(t -> {
            key.add(t.getKey());
            key.add(t.getValue());
        });
        return gauges.computeIfAbsent(List.copyOf(key), k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::get).description(description).tags(tags).register(registry);
            return value;
        });
    }

    private void removeWhere(java.util.function.Predicate<Meter.Id> doomed) {
        for (Meter meter : List.copyOf(registry.getMeters())) {
            if (doomed.test(meter.getId())) {
                registry.remove(meter);
            }
        }
        gauges.keySet().removeIf(key -> registry.find(key.get(0)).tags(tagsOf(key)).gauge() == null);
    }

    private static Tags tagsOf(List<String> key) {
        Tags tags = Tags.empty();
        for (int i = 1; i + 1 < key.size(); i += 2) {
            tags = tags.and(key.get(i), key.get(i + 1));
        }
        return tags;
    }

    private static Duration[] seconds(double... values) {
        return Arrays.stream(values).mapToObj(s -> Duration.ofNanos(Math.round(s * 1e9))).toArray(Duration[]::new);
    }
}
