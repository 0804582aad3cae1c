package io.vmtemplating.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.reconciler.OperatorSettings;
import io.vmtemplating.reconciler.SamplePods;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The pods the reconcilers build (template, clone, cleanup of samples/demo, by LauncherPods) against the real API
 * server's PodSecurity admission, in namespaces enforcing each level: exactly which are admitted, and that every
 * refusal is for a reason docs/security.md gives. Server-side dry runs: nothing is stored, nothing runs.
 */
@Tag("qemu")
class PodSecurityE2EIT {
    /** "violates PodSecurity "restricted:latest": reason (detail), reason (detail)" → the reasons. */
    private static final Pattern REASON = Pattern.compile("(?:^|, )([^,(]+?) \\(");
    private static KubernetesClient client;
    private static final Map<String, String> NAMESPACES = new LinkedHashMap<>();

    @BeforeAll
    static void namespaces() {
        client = RealCluster.client();
        for (String level : List.of("privileged", "baseline", "restricted")) {
            String name = "pss-" + level + "-" + UUID.randomUUID().toString().substring(0, 6);
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                    .addToLabels("pod-security.kubernetes.io/enforce", level)
                    .addToLabels("pod-security.kubernetes.io/enforce-version", "latest").endMetadata().build()).create();
            NAMESPACES.put(level, name);
        }
        // the namespace controller must have seen it before PodSecurity reads its labels; a dry run is cheap to repeat
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                NAMESPACES.values().stream().allMatch(n -> client.namespaces().withName(n).get() != null));
    }

    @Test
    void privilegedAdmitsEveryPodAndNoneIsPrivileged() {
        for (OperatorSettings settings : settings()) {
            for (Pod pod : SamplePods.build(settings, NAMESPACES.get("privileged")).all()) {
                Pod admitted = client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).dryRun().create();
                assertEquals(List.of(), admitted.getSpec().getInitContainers(), pod.getMetadata().getName());
                admitted.getSpec().getContainers().forEach(c -> assertEquals(false, c.getSecurityContext().getPrivileged(),
                        pod.getMetadata().getName()));
            }
        }
    }

    @Test
    void baselineRefusesEveryPodForItsHostPathVolumesOnly() {
        for (OperatorSettings settings : settings()) {
            for (Pod pod : SamplePods.build(settings, NAMESPACES.get("baseline")).all()) {
                String message = refusal(pod);
                assertEquals(Set.of("hostPath volumes"), reasons(message), message);
                assertTrue(message.endsWith("\"baseline:latest\": hostPath volumes (volumes \""
                        + String.join("\", \"", hostPathVolumes(pod)) + "\")"), message);
            }
        }
    }

    /** Clones run as uid 1001: hostPath alone keeps them out; template and cleanup pods also for being root. */
    @Test
    void restrictedRefusesEveryPodForHostPathAndTheWritersAlsoForRoot() {
        for (OperatorSettings settings : settings()) {
            SamplePods.Set pods = SamplePods.build(settings, NAMESPACES.get("restricted"));
            for (Pod pod : List.of(pods.templatePod(), pods.cleanupPod())) {
                String message = refusal(pod);
                assertEquals(new TreeSet<>(Set.of("restricted volume types", "runAsNonRoot != true", "runAsUser=0")),
                        reasons(message), message);
            }
            String message = refusal(pods.clonePod());
            assertEquals(Set.of("restricted volume types"), reasons(message), message);
        }
    }

    /** The operator's own pod (deploy/deployment.yaml) passes restricted: its namespace is labelled so. */
    @Test
    void theOperatorsPodIsAdmittedUnderRestricted() throws IOException {
        Deployment deployment = Serialization.unmarshal(Files.readString(Path.of("deploy/deployment.yaml")), Deployment.class);
        Pod pod = new PodBuilder().withMetadata(deployment.getSpec().getTemplate().getMetadata())
                .withSpec(deployment.getSpec().getTemplate().getSpec()).build();
        pod.getMetadata().setName("operator");
        // its ServiceAccount lives in vmtemplating-system only; PodSecurity does not look at it
        pod.getSpec().setServiceAccountName(null);
        client.pods().inNamespace(NAMESPACES.get("restricted")).resource(pod).dryRun().create();
    }

    private static List<OperatorSettings> settings() {
        OperatorSettings d = OperatorSettings.DEFAULTS;
        return List.of(d, new OperatorSettings(d.launcherImage(), d.templateOverheadMiB(), d.cloneOverheadMiB(),
                d.defaultExpectedPrivateMiB(), d.buildBackoffLimit(), d.buildBackoffBase(), d.statusRefresh(),
                d.cleanupTimeout(), d.nodeLayout(), "devices.kubevirt.io/kvm", d.bootFileDirs()));
    }

    private static String refusal(Pod pod) {
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).dryRun().create();
            throw new AssertionError(pod.getMetadata().getName() + " was admitted in " + pod.getMetadata().getNamespace());
        } catch (KubernetesClientException e) {
            assertEquals(403, e.getCode(), e.getMessage());
            // the server's own words, in the build log for docs/security.md
            System.out.println("PodSecurity: " + e.getStatus().getMessage());
            return e.getStatus().getMessage();
        }
    }

    private static Set<String> reasons(String message) {
        String list = message.substring(message.indexOf("\": ") + 3);
        Set<String> reasons = new TreeSet<>();
        Matcher matcher = REASON.matcher(list);
        while (matcher.find()) {
            reasons.add(matcher.group(1).strip());
        }
        return reasons;
    }

    private static List<String> hostPathVolumes(Pod pod) {
        List<String> names = new ArrayList<>();
        pod.getSpec().getVolumes().stream().filter(v -> v.getHostPath() != null).forEach(v -> names.add(v.getName()));
        return names;
    }
}
