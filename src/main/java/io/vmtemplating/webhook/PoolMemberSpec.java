package io.vmtemplating.webhook;

import io.vmtemplating.api.v1alpha1.VmCloneSpec;
import io.vmtemplating.api.v1alpha1.VmClonePoolSpec;
import io.vmtemplating.api.v1alpha1.types.TemplateRef;

/**
 * A pool member is a clone of the pool's template with the pool's settings, restored paused: the same spec serves
 * admission (the pool's settings must fit its template as a clone's would), the member pods and a claim's cold path.
 */
public final class PoolMemberSpec {
    private PoolMemberSpec() {
    }

    /** @param running false for warm members (restored paused); a claim's own running for its cold path */
    public static VmCloneSpec of(VmClonePoolSpec pool, Boolean running) {
        return new VmCloneSpec(pool.templateRef() == null ? null : new TemplateRef(pool.templateRef().name()), running,
                null, null, pool.memory(), null, pool.portForwards(), null, null, null);
    }
}
