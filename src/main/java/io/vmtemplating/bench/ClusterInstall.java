package io.vmtemplating.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the operator needs in a cluster before it can run there, from the repository as hack/cluster/up.sh installs
 * it: the CRDs of crds/ and the namespace, ServiceAccount and RBAC of deploy/, created or brought up to date; left
 * installed afterwards (deleting a CRD deletes every object of its kind, wherever it is).
 */
final class ClusterInstall {
    /** What the bench's own objects are labelled managed by. */
    static final String MANAGED_BY = "vmt-bench";
    private static final List<String> RBAC = List.of("namespace.yaml", "serviceaccount.yaml", "clusterrole.yaml",
            "clusterrolebinding.yaml");

    private ClusterInstall() {
    }

    /** @return the operator's ServiceAccount (deploy/serviceaccount.yaml), which its RBAC is bound to */
    static ServiceAccount apply(KubernetesClient admin, Path home) throws IOException {
        List<Path> crdFiles;
        try (Stream<Path> listing = Files.list(home.resolve("crds"))) {
            crdFiles = listing.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml")).sorted().toList();
        }
        List<Path> files = new ArrayList<>(crdFiles);
        RBAC.forEach(name -> files.add(home.resolve("deploy").resolve(name)));
        ServiceAccount account = null;
        List<String> crds = new ArrayList<>();
        for (Path file : files) {
            for (HasMetadata object : load(admin, file)) {
                // create, or replace what is there (kubectl apply's outcome, as up.sh installs them). Not server-side
                // apply: the API server refuses it for crds/vmclones (x-kubernetes-validations lists one rule twice,
                // and SSA merges that list by rule)
                admin.resource(object).createOr(NonDeletingOperation::update);
                if (object instanceof ServiceAccount sa) {
                    account = sa;
                } else if (object instanceof CustomResourceDefinition) {
                    crds.add(object.getMetadata().getName());
                }
            }
        }
        for (String crd : crds) {
            // objects of a kind can be created once its CRD is Established
            admin.apiextensions().v1().customResourceDefinitions().withName(crd).waitUntilCondition(c -> c != null
                    && c.getStatus() != null && c.getStatus().getConditions().stream()
                    .anyMatch(cond -> cond.getType().equals("Established") && cond.getStatus().equals("True")),
                    60, TimeUnit.SECONDS);
        }
        if (account == null) {
            throw new IOException(home.resolve("deploy/serviceaccount.yaml") + " holds no ServiceAccount");
        }
        return account;
    }

    private static List<HasMetadata> load(KubernetesClient admin, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return admin.load(in).items();
        }
    }
}
