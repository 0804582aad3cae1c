package io.vmtemplating.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * crds/ is what users apply; it must be exactly what the API classes generate. The build generates the same
 * files into target/kubernetes (the operator SDK extension runs this generator); `make manifests` copies them.
 */
class CrdSyncTest {

    @Test
    void checkedInCrdsEqualGeneratedOnes(@TempDir Path generated) throws IOException {
        new CRDGenerator()
                .customResourceClasses(VmTemplate.class, VmClone.class)
                .forCRDVersions("v1")
                .inOutputDir(generated.toFile())
                .generate();

        for (String name : new String[] {"vmtemplates.vmtemplating.io-v1.yml", "vmclones.vmtemplating.io-v1.yml"}) {
            Path fresh = generated.resolve(name);
            Path checkedIn = ProjectFiles.ROOT.resolve("crds").resolve(name);
            assertTrue(Files.exists(checkedIn), "crds/" + name + " is missing: run `make manifests` and commit crds/");
            assertEquals(Files.readString(fresh), Files.readString(checkedIn),
                    "crds/" + name + " differs from what the API classes generate: run `make manifests` and commit crds/");
        }
    }
}
