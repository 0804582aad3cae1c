package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.ConfigMapProjectionBuilder;
import io.fabric8.kubernetes.api.model.DownwardAPIProjectionBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretProjectionBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * configMap, secret, downwardAPI and projected volumes as files, written once before the container starts. A real
 * API server gives every pod one of these (kube-api-access-*: a service account token, the cluster's CA, the
 * namespace), so a node that cannot write them runs no pod there. Tokens are not refreshed: the API server extends
 * the lifetime of these tokens to a year (--service-account-extend-token-expiration, on by default).
 */
final class VolumeFiles {

    /** What the files are made of; the API server in {@link ClusterVolumeSources}, a map in tests. */
    interface Sources {
        Optional<Map<String, byte[]>> configMap(String namespace, String name);

        Optional<Map<String, byte[]>> secret(String namespace, String name);

        /** A token for the pod's service account, bound to the pod (TokenRequest). */
        String serviceAccountToken(Pod pod, String audience, long expirationSeconds);
    }

    private VolumeFiles() {
    }

    static boolean provides(Volume volume) {
        return volume.getProjected() != null || volume.getConfigMap() != null || volume.getSecret() != null
                || volume.getDownwardAPI() != null;
    }

    /** Writes the volume's files into {@code dir}; a missing object that is not optional keeps the pod waiting. */
    static void write(Pod pod, String podIp, Volume volume, Path dir, Sources sources)
            throws PodProcess.VolumeException, IOException {
        Files.createDirectories(dir);
        for (VolumeProjection projection : projections(volume)) {
            if (projection.getServiceAccountToken() != null) {
                var token = projection.getServiceAccountToken();
                String value = sources.serviceAccountToken(pod, token.getAudience(),
                        Objects.requireNonNullElse(token.getExpirationSeconds(), 3600L));
                writeFile(dir, token.getPath(), value.getBytes(StandardCharsets.UTF_8));
            } else if (projection.getConfigMap() != null) {
                var configMap = projection.getConfigMap();
                writeKeys(volume, dir, "configmap", configMap.getName(), configMap.getItems(), configMap.getOptional(),
                        sources.configMap(pod.getMetadata().getNamespace(), configMap.getName()));
            } else if (projection.getSecret() != null) {
                var secret = projection.getSecret();
                writeKeys(volume, dir, "secret", secret.getName(), secret.getItems(), secret.getOptional(),
                        sources.secret(pod.getMetadata().getNamespace(), secret.getName()));
            } else if (projection.getDownwardAPI() != null) {
                for (var item : projection.getDownwardAPI().getItems()) {
                    if (item.getFieldRef() == null) {
                        throw new PodProcess.VolumeException(failure(volume, "the local node writes downwardAPI fieldRef items only"));
                    }
                    writeFile(dir, item.getPath(), DownwardApi.value(pod, podIp, item.getFieldRef().getFieldPath())
                            .getBytes(StandardCharsets.UTF_8));
                }
            } else {
                throw new PodProcess.VolumeException(failure(volume,
                        "the local node projects serviceAccountToken, configMap, secret and downwardAPI sources only"));
            }
        }
    }

    /** Plain configMap, secret and downwardAPI volumes are one projection each. */
    private static List<VolumeProjection> projections(Volume volume) {
        if (volume.getProjected() != null) {
            return volume.getProjected().getSources();
        }
        if (volume.getConfigMap() != null) {
            var source = volume.getConfigMap();
            return List.of(new VolumeProjectionBuilder().withConfigMap(new ConfigMapProjectionBuilder()
                    .withName(source.getName()).withItems(source.getItems()).withOptional(source.getOptional()).build()).build());
        }
        if (volume.getSecret() != null) {
            var source = volume.getSecret();
            return List.of(new VolumeProjectionBuilder().withSecret(new SecretProjectionBuilder()
                    .withName(source.getSecretName()).withItems(source.getItems()).withOptional(source.getOptional()).build()).build());
        }
        return List.of(new VolumeProjectionBuilder().withDownwardAPI(new DownwardAPIProjectionBuilder()
                .withItems(volume.getDownwardAPI().getItems()).build()).build());
    }

    private static void writeKeys(Volume volume, Path dir, String kind, String name, List<KeyToPath> items, Boolean optional,
            Optional<Map<String, byte[]>> data) throws PodProcess.VolumeException, IOException {
        if (data.isEmpty()) {
            if (Boolean.TRUE.equals(optional)) {
                return;
            }
            throw new PodProcess.VolumeException(failure(volume, kind + " \"" + name + "\" not found"));
        }
        if (items == null || items.isEmpty()) {
            for (var entry : data.get().entrySet()) {
                writeFile(dir, entry.getKey(), entry.getValue());
            }
            return;
        }
        for (KeyToPath item : items) {
            byte[] value = data.get().get(item.getKey());
            if (value == null) {
                if (Boolean.TRUE.equals(optional)) {
                    continue;
                }
                throw new PodProcess.VolumeException(failure(volume, kind + " \"" + name + "\" has no key " + item.getKey()));
            }
            writeFile(dir, item.getPath(), value);
        }
    }

    private static void writeFile(Path dir, String relative, byte[] content) throws IOException {
        Path file = dir.resolve(relative).normalize();
        if (!file.startsWith(dir)) {
            throw new IOException("volume file " + relative + " leaves its volume");
        }
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }

    /** kubelet's wording, so the message reads as on any cluster. */
    private static String failure(Volume volume, String reason) {
        return "MountVolume.SetUp failed for volume \"" + volume.getName() + "\" : " + reason;
    }
}
