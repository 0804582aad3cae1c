package io.vmtemplating.webhook;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The webhook's lookup of objects a review refers to: a watch-fed cache of every object of one kind, so that a review
 * does not wait for a GET on the API server (admission sits in every clone create; measured, the GET made clone
 * reviews the slow ones). An object missing from the cache is read from the API server after all: an object and what
 * refers to it applied together can be reviewed before the watch has delivered the first, and a wrong "absent" would
 * skip checks or refuse a valid object. Same for a cache that has not finished its first list.
 */
public class InformedLookup<T extends HasMetadata> implements AutoCloseable {
    private final KubernetesClient client;
    private final Class<T> type;
    private final SharedIndexInformer<T> informer;
    private final AtomicLong cacheHits = new AtomicLong();
    private final AtomicLong apiReads = new AtomicLong();

    /** Starts the watch and returns at once; lookups read the API server until the first list is in. */
    protected InformedLookup(KubernetesClient client, Class<T> type) {
        this.client = client;
        this.type = type;
        this.informer = client.resources(type).inAnyNamespace().runnableInformer(0);
        informer.start();
    }

    public Optional<T> find(String namespace, String name) {
        if (informer.hasSynced()) {
            T cached = informer.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name));
            if (cached != null) {
                cacheHits.incrementAndGet();
                return Optional.of(cached);
            }
        }
        apiReads.incrementAndGet();
        return Optional.ofNullable(client.resources(type).inNamespace(namespace).withName(name).get());
    }

    /** Lookups answered from the cache. */
    public long cacheHits() {
        return cacheHits.get();
    }

    /** Lookups that read the API server (cache not synced yet, or the object not in it). */
    public long apiReads() {
        return apiReads.get();
    }

    @Override
    public void close() {
        informer.close();
    }
}
