package io.vmtemplating.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.VmTemplateStatus;
import io.vmtemplating.local.LocalCluster;
import io.vmtemplating.local.LocalNode;
import io.vmtemplating.local.WebhookRules;
import io.vmtemplating.reconciler.VmResources;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * 1000 VmClones of one Ready template, with the operator in a child JVM: time from the first create until every
 * clone has its pod and a status naming it; the operator's RSS and live heap after; failed reconciles. Against the
 * embedded API server (admission on, pods stored, never run) or a real one with no node (pods stay Pending).
 */
final class OperatorBench {
    static final String NAMESPACE = "default";
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    record Result(int clones, double createSeconds, double podsSeconds, double statusSeconds, JsonNode operator) {
    }

    private OperatorBench() {
    }

    /** Against the embedded API server, which lives as long as this part. */
    static Result run(int clones, Path template, List<String> operatorJavaOptions, Path log, PrintStream err) throws Exception {
        try (LocalCluster api = LocalCluster.apiServerOnly(new WebhookRules());
             ChildJvm operator = ChildJvm.start("operator", api.apiUrl(), operatorJavaOptions, log)) {
            return measure(api.client(), NAMESPACE, operator, clones, template, err);
        }
    }

    /**
     * @param client   an admin's client of the API server the operator works against
     * @param operator the operator under test, started; its first line not read yet
     */
    static Result measure(KubernetesClient client, String namespace, ChildJvm operator, int clones, Path template,
            PrintStream err) throws Exception {
        operator.firstLine();
        VmTemplate ready = readyTemplate(client, namespace, template);
        String templateName = ready.getMetadata().getName();

        Set<String> pods = ConcurrentHashMap.newKeySet();
        Set<String> withStatus = ConcurrentHashMap.newKeySet();
        try (SharedIndexInformer<Pod> podInformer = client.pods().inNamespace(namespace)
                .withLabel(VmResources.LABEL_ROLE, VmResources.ROLE_CLONE).inform(collect(pods, p -> true));
             SharedIndexInformer<VmClone> cloneInformer = client.resources(VmClone.class).inNamespace(namespace)
                     .inform(collect(withStatus, c -> c.getStatus() != null && c.getStatus().podName() != null))) {
            err.printf("operator: creating %d VmClones of template %s ...%n", clones, templateName);
            long start = System.nanoTime();
            create(client, namespace, templateName, clones);
            double createSeconds = (System.nanoTime() - start) / 1e9;
            double podsSeconds = Double.NaN;
            long deadline = start + TIMEOUT.toNanos();
            while (withStatus.size() < clones && System.nanoTime() < deadline) {
                if (Double.isNaN(podsSeconds) && pods.size() >= clones) {
                    podsSeconds = (System.nanoTime() - start) / 1e9;
                }
                Thread.sleep(20);
            }
            double statusSeconds = (System.nanoTime() - start) / 1e9;
            if (Double.isNaN(podsSeconds) && pods.size() >= clones) {
                podsSeconds = statusSeconds;
            }
            if (withStatus.size() < clones) {
                err.printf("operator: only %d pods and %d statuses after %d s%n", pods.size(), withStatus.size(), TIMEOUT.toSeconds());
                statusSeconds = Double.NaN;
            }
            err.printf("operator: %d pods in %.1f s, every status in %.1f s%n", pods.size(), podsSeconds, statusSeconds);
            return new Result(clones, createSeconds, podsSeconds, statusSeconds, operator.report());
        }
    }

    /**
     * The template as the operator would leave it after a build: Ready on the local node (no pod runs here). The
     * status goes through the status subresource with the admin's client: on a real API server only the operator's
     * ServiceAccount and admins may write it.
     */
    private static VmTemplate readyTemplate(KubernetesClient client, String namespace, Path templateYaml) throws Exception {
        VmTemplate template = (VmTemplate) io.vmtemplating.local.LocalSession.read(List.of(templateYaml)).get(0);
        template.getMetadata().setNamespace(namespace);
        client.resource(template).create();
        // let the template reconciler start its (never running) build first, so our status is the last word
        var resource = client.resources(VmTemplate.class).inNamespace(namespace).withName(template.getMetadata().getName());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && (resource.get().getStatus() == null || resource.get().getStatus().phase() == null)) {
            Thread.sleep(50);
        }
        for (int attempt = 0; attempt < 20; attempt++) {
            VmTemplate current = resource.get();
            if (current.getStatus() != null && current.getStatus().phase() == TemplatePhase.Ready) {
                Thread.sleep(500);
                if (resource.get().getStatus().phase() == TemplatePhase.Ready) {
                    return resource.get();
                }
            }
            try {
                resource.editStatus(t -> {
                    t.setStatus(new VmTemplateStatus(TemplatePhase.Ready, List.of(), t.getMetadata().getGeneration(),
                            LocalNode.NODE_NAME, null, null, "bench", 8000L, 50L, 0, 0));
                    return t;
                });
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                Thread.sleep(100); // the template reconciler wrote in between: read again
            }
        }
        throw new IllegalStateException("the template did not stay Ready");
    }

    private static void create(KubernetesClient client, String namespace, String templateName, int clones) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < clones; i++) {
                String yaml = String.format("apiVersion: vmtemplating.io/v1alpha1%nkind: VmClone%nmetadata:%n  name: bench-%04d%n"
                        + "  namespace: %s%nspec:%n  templateRef:%n    name: %s%n", i, namespace, templateName);
                futures.add(pool.submit(() -> client.resource(Serialization.unmarshal(yaml, VmClone.class)).create()));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> ResourceEventHandler<T> collect(Set<String> names,
            Predicate<T> counts) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T object) {
                onUpdate(null, object);
            }

            @Override
            public void onUpdate(T old, T object) {
                if (counts.test(object)) {
                    names.add(object.getMetadata().getName());
                }
            }

            @Override
            public void onDelete(T object, boolean unknown) {
            }
        };
    }
}
