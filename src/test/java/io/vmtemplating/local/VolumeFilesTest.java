package io.vmtemplating.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumeFilesTest {
    @TempDir
    Path dir;

    private static final Pod POD = new PodBuilder()
            .withNewMetadata().withNamespace("team-a").withName("web").withUid("uid-9")
                .withLabels(Map.of("app", "web", "tier", "front")).endMetadata()
            .withNewSpec().withNodeName("local-node").withServiceAccountName("builder").endSpec()
            .build();

    /** The cluster's objects, as maps; the token names what it was asked for. */
    private static final VolumeFiles.Sources SOURCES = new VolumeFiles.Sources() {
        @Override
        public Optional<Map<String, byte[]>> configMap(String namespace, String name) {
            return name.equals("kube-root-ca.crt") && namespace.equals("team-a")
                    ? Optional.of(Map.of("ca.crt", "PEM".getBytes(StandardCharsets.UTF_8))) : Optional.empty();
        }

        @Override
        public Optional<Map<String, byte[]>> secret(String namespace, String name) {
            return name.equals("tls") ? Optional.of(Map.of("tls.crt", new byte[] {1, 2}, "tls.key", new byte[] {3}))
                    : Optional.empty();
        }

        @Override
        public String serviceAccountToken(Pod pod, String audience, long expirationSeconds) {
            return pod.getSpec().getServiceAccountName() + "|" + pod.getMetadata().getUid() + "|" + audience + "|" + expirationSeconds;
        }
    };

    /** The volume the API server's ServiceAccount admission adds to every pod, as it writes it. */
    private static Volume kubeApiAccess(String caConfigMap) {
        return Serialization.unmarshal("""
                name: kube-api-access-x7k2p
                projected:
                  defaultMode: 420
                  sources:
                  - serviceAccountToken: {expirationSeconds: 3607, path: token}
                  - configMap:
                      name: %s
                      items: [{key: ca.crt, path: ca.crt}]
                  - downwardAPI:
                      items: [{path: namespace, fieldRef: {apiVersion: v1, fieldPath: metadata.namespace}}]
                """.formatted(caConfigMap), Volume.class);
    }

    private Map<String, String> files() throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (var walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(file).toString(), Files.readString(file, StandardCharsets.ISO_8859_1));
            }
        }
        return files;
    }

    @Test
    void serviceAccountAccessVolume() throws Exception {
        VolumeFiles.write(POD, "127.0.3.3", kubeApiAccess("kube-root-ca.crt"), dir, SOURCES);
        assertEquals(Map.of("token", "builder|uid-9|null|3607", "ca.crt", "PEM", "namespace", "team-a"), files());
    }

    @Test
    void aMissingConfigMapKeepsThePodWaitingInKubeletsWords() {
        var e = assertThrows(PodProcess.VolumeException.class,
                () -> VolumeFiles.write(POD, "127.0.3.3", kubeApiAccess("not-published-yet"), dir, SOURCES));
        assertEquals("MountVolume.SetUp failed for volume \"kube-api-access-x7k2p\" : configmap \"not-published-yet\" not found",
                e.getMessage());
    }

    @Test
    void optionalObjectsAndKeysMayBeMissing() throws Exception {
        Volume volume = new VolumeBuilder().withName("opt").withNewProjected()
                .addNewSource().withNewConfigMap().withName("absent").withOptional(true).endConfigMap().endSource()
                .addNewSource().withNewSecret().withName("tls").withOptional(true)
                    .addNewItem().withKey("ca.crt").withPath("ca.crt").endItem().endSecret().endSource()
                .endProjected().build();
        VolumeFiles.write(POD, "127.0.3.3", volume, dir, SOURCES);
        assertEquals(Map.of(), files());
    }

    @Test
    void plainSecretVolumeWritesEveryKey() throws Exception {
        Volume volume = new VolumeBuilder().withName("certs").withNewSecret().withSecretName("tls").endSecret().build();
        VolumeFiles.write(POD, "127.0.3.3", volume, dir, SOURCES);
        assertEquals(Map.of("tls.crt", "\u0001\u0002", "tls.key", "\u0003"), files());
    }

    @Test
    void aMissingKeyOfARequiredSecret() {
        Volume volume = new VolumeBuilder().withName("certs").withNewSecret().withSecretName("tls")
                .addNewItem().withKey("ca.crt").withPath("ca.crt").endItem().endSecret().build();
        var e = assertThrows(PodProcess.VolumeException.class, () -> VolumeFiles.write(POD, "127.0.3.3", volume, dir, SOURCES));
        assertEquals("MountVolume.SetUp failed for volume \"certs\" : secret \"tls\" has no key ca.crt", e.getMessage());
    }

    @Test
    void downwardApiVolume() throws Exception {
        Volume volume = Serialization.unmarshal("""
                name: podinfo
                downwardAPI:
                  items:
                  - {path: labels, fieldRef: {fieldPath: metadata.labels}}
                  - {path: app, fieldRef: {fieldPath: "metadata.labels['app']"}}
                  - {path: meta/uid, fieldRef: {fieldPath: metadata.uid}}
                  - {path: ip, fieldRef: {fieldPath: status.podIP}}
                """, Volume.class);
        VolumeFiles.write(POD, "127.0.3.3", volume, dir, SOURCES);
        assertEquals(Map.of("labels", "app=\"web\"\ntier=\"front\"", "app", "web", "meta/uid", "uid-9", "ip", "127.0.3.3"),
                files());
    }

    @Test
    void resourceFieldsAreNotWritten() {
        Volume volume = Serialization.unmarshal("""
                name: limits
                downwardAPI:
                  items:
                  - {path: mem, resourceFieldRef: {containerName: c, resource: limits.memory}}
                """, Volume.class);
        var e = assertThrows(PodProcess.VolumeException.class, () -> VolumeFiles.write(POD, "127.0.3.3", volume, dir, SOURCES));
        assertEquals("MountVolume.SetUp failed for volume \"limits\" : the local node writes downwardAPI fieldRef items only",
                e.getMessage());
    }

    @Test
    void hostPathAndEmptyDirAreNotVolumeFiles() {
        assertFalse(VolumeFiles.provides(new VolumeBuilder().withName("h").withNewHostPath().withPath("/x").endHostPath().build()));
        assertFalse(VolumeFiles.provides(new VolumeBuilder().withName("e").withNewEmptyDir().endEmptyDir().build()));
    }
}
