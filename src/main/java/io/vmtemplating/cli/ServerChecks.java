package io.vmtemplating.cli;

import io.vmtemplating.crd.CrdCatalog;
import io.vmtemplating.crd.CustomResourceCreate;

/** The CRDs' checks, compiled once per JVM (schemas and CEL rules take a few hundred ms to prepare). */
final class ServerChecks {

    private ServerChecks() {
    }

    private static final class Holder {
        static final CustomResourceCreate INSTANCE = new CustomResourceCreate(CrdCatalog.fromClassPath());
    }

    static CustomResourceCreate instance() {
        return Holder.INSTANCE;
    }
}
