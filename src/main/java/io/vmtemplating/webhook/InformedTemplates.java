package io.vmtemplating.webhook;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The webhook's template lookup: a watch-fed cache of every VmTemplate, so that a clone review does not wait for a
 * GET on the API server (admission sits in every clone create; measured, the GET made clone reviews the slow ones).
 * A template missing from the cache is read from the API server after all: a template and its clones applied
 * together can be reviewed before the watch has delivered the template, and a wrong "template absent" would skip
 * the clone's checks against it. Same for a cache that has not finished its first list.
 */
public final class InformedTemplates implements TemplateLookup, AutoCloseable {
    private final KubernetesClient client;
    private final SharedIndexInformer<VmTemplate> informer;
    private final AtomicLong cacheHits = new AtomicLong();
    private final AtomicLong apiReads = new AtomicLong();

    private InformedTemplates(KubernetesClient client, SharedIndexInformer<VmTemplate> informer) {
        this.client = client;
        this.informer = informer;
    }

    /** Starts the watch and returns at once; lookups read the API server until the first list is in. */
    public static InformedTemplates start(KubernetesClient client) {
        SharedIndexInformer<VmTemplate> informer = client.resources(VmTemplate.class).inAnyNamespace().runnableInformer(0);
        informer.start();
        return new InformedTemplates(client, informer);
    }

    @Override
    public Optional<VmTemplate> find(String namespace, String name) {
        if (informer.hasSynced()) {
            VmTemplate cached = informer.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name));
            if (cached != null) {
                cacheHits.incrementAndGet();
                return Optional.of(cached);
            }
        }
        apiReads.incrementAndGet();
        return Optional.ofNullable(client.resources(VmTemplate.class).inNamespace(namespace).withName(name).get());
    }

    /** Lookups answered from the cache. */
    public long cacheHits() {
        return cacheHits.get();
    }

    /** Lookups that read the API server (cache not synced yet, or the template not in it). */
    public long apiReads() {
        return apiReads.get();
    }

    @Override
    public void close() {
        informer.close();
    }
}
