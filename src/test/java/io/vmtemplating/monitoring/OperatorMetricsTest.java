package io.vmtemplating.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.metrics.OperatorMetrics;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every family of ours as the registry Quarkus serves writes it, read by Prometheus' parser and promlint: the names and
 * types a user queries (docs/metrics.md lists the same) and the label sets of each.
 */
public class OperatorMetricsTest {

    /** Each fact once, as the reconcilers and the webhook report them. */
    public static String pageWithEveryFamily() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OperatorMetrics metrics = new OperatorMetrics(registry);
        metrics.templateFrozen("ns", 4200, 180);
        metrics.templateBuildFailed("ns");
        metrics.templatePhase("ns", "demo", TemplatePhase.Ready);
        metrics.templateClones("ns", "demo", 3);
        metrics.cloneRestored("ns", "demo", 250);
        metrics.cloneFailed("ns", "demo", "RestoreFailed");
        metrics.poolClaimed("ns", "warm", "warm", 12);
        metrics.poolRefilled("ns", "warm", 2);
        metrics.webhookReview("VmTemplate", "CREATE", false, List.of("spec.qemu.extraArgs[0]", "spec.qemu.extraArgs[3]", "spec.cpus"));
        metrics.webhookReview("VmClone", "CREATE", true, List.of());
        return registry.scrape();
    }

    @Test
    void familiesTypesAndLabels() {
        PromText.Page page = PromText.parse(pageWithEveryFamily());
        assertEquals(List.of(), page.problems(), "promlint");
        Map<String, String> families = new TreeMap<>();
        page.families().values().forEach(f -> families.put(f.name(), f.type() + " " + f.series().get(0).labels().keySet()));
        assertEquals(Map.ofEntries(
                Map.entry("vmtemplating_template_boot_seconds", "HISTOGRAM [namespace]"),
                Map.entry("vmtemplating_template_boot_seconds_max", "GAUGE [namespace]"),
                Map.entry("vmtemplating_template_freeze_seconds", "HISTOGRAM [namespace]"),
                Map.entry("vmtemplating_template_freeze_seconds_max", "GAUGE [namespace]"),
                Map.entry("vmtemplating_template_builds_total", "COUNTER [namespace, result]"),
                Map.entry("vmtemplating_template_phase", "GAUGE [namespace, phase, template]"),
                Map.entry("vmtemplating_template_clones", "GAUGE [namespace, template]"),
                Map.entry("vmtemplating_clone_restore_seconds", "HISTOGRAM [namespace, template]"),
                Map.entry("vmtemplating_clone_restore_seconds_max", "GAUGE [namespace, template]"),
                Map.entry("vmtemplating_clone_failures_total", "COUNTER [namespace, reason, template]"),
                Map.entry("vmtemplating_pool_claims_total", "COUNTER [namespace, path, pool]"),
                Map.entry("vmtemplating_pool_claim_seconds", "HISTOGRAM [namespace, path, pool]"),
                Map.entry("vmtemplating_pool_claim_seconds_max", "GAUGE [namespace, path, pool]"),
                Map.entry("vmtemplating_pool_refills_total", "COUNTER [namespace, pool]"),
                Map.entry("vmtemplating_webhook_reviews_total", "COUNTER [decision, kind, operation]"),
                Map.entry("vmtemplating_webhook_violations_total", "COUNTER [field, kind]")), families);
    }

    @Test
    void aRuleCountsOncePerReviewWhateverItsListIndex() {
        PromText.Family violations = PromText.parse(pageWithEveryFamily()).family("vmtemplating_webhook_violations_total").orElseThrow();
        Map<String, Double> byField = new TreeMap<>();
        violations.series().forEach(s -> byField.put(s.labels().get("field"), s.value()));
        assertEquals(Map.of("spec.qemu.extraArgs[]", 1.0, "spec.cpus", 1.0), byField);
    }

    @Test
    void fieldsFromTheRequestBodyAreCapped() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OperatorMetrics metrics = new OperatorMetrics(registry);
        for (int i = 0; i < 500; i++) {
            metrics.webhookReview("VmTemplate", "CREATE", false, List.of("spec.unknown" + i));
        }
        PromText.Family violations = PromText.parse(registry.scrape()).family("vmtemplating_webhook_violations_total").orElseThrow();
        assertEquals(201, violations.series().size(), "200 fields, then \"other\"");
        assertEquals(300.0, violations.where(l -> "other".equals(l.get("field"))).get(0).value());
    }

    @Test
    void aDeletedTemplateLeavesNoGauge() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OperatorMetrics metrics = new OperatorMetrics(registry);
        metrics.templatePhase("ns", "gone", TemplatePhase.Failed);
        metrics.templateClones("ns", "gone", 1);
        metrics.templatePhase("ns", "kept", TemplatePhase.Ready);
        metrics.templateDeleted("ns", "gone");
        metrics.templatePhase("ns", "gone", TemplatePhase.Pending); // recreated under the same name: fresh series
        PromText.Page page = PromText.parse(registry.scrape());
        Map<String, Double> phases = new TreeMap<>();
        page.family("vmtemplating_template_phase").orElseThrow().series()
                .forEach(s -> phases.put(s.labels().get("template") + "/" + s.labels().get("phase"), s.value()));
        assertEquals(1.0, phases.get("gone/Pending"));
        assertEquals(0.0, phases.get("gone/Failed"));
        assertEquals(1.0, phases.get("kept/Ready"));
        assertEquals(12, phases.size());
        assertEquals(List.of(), page.family("vmtemplating_template_clones").map(PromText.Family::series).orElse(List.of()));
    }
}
