package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.api.v1alpha1.ClonePhase;
import io.vmtemplating.api.v1alpha1.TemplatePhase;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmClonePool;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What `vmt demo` and `vmt run` share: a {@link LocalCluster} whose node has the test guest at
 * /var/lib/vmtemplating/guest, and applying user YAML through the embedded API server (admission included).
 */
public final class LocalSession implements VmSession {
    public static final String NAMESPACE = "default";
    private final LocalCluster cluster;
    private final Path home;

    private LocalSession(LocalCluster cluster, Path home) {
        this.cluster = cluster;
        this.home = home;
    }

    /** The vmt installation: the directory holding the vmt script, the samples and hack/. */
    public static Path home() {
        return Path.of(System.getProperty("vmt.home", ".")).toAbsolutePath().normalize();
    }

    public static LocalSession start(PrintStream progress) throws IOException, InterruptedException {
        return start(progress, List.of(home().resolve("vmt").toString()));
    }

    /** @param entrypoint the launcher image's entry point on this machine (the vmt script, or a java command) */
    public static LocalSession start(PrintStream progress, List<String> entrypoint) throws IOException, InterruptedException {
        return start(progress, entrypoint, LocalCluster.LOCAL_SETTINGS);
    }

    public static LocalSession start(PrintStream progress, List<String> entrypoint,
            io.vmtemplating.reconciler.OperatorSettings settings) throws IOException, InterruptedException {
        Path home = home();
        Path guest = buildGuest(home);
        Path shm = Path.of("/dev/shm");
        Path stateDir = (Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")))
                .resolve("vmt-local-" + ProcessHandle.current().pid());
        LocalCluster cluster = LocalCluster.start(stateDir, entrypoint, new WebhookRules(), true, settings);
        Path guestDir = cluster.onNode("/var/lib/vmtemplating/guest");
        Files.createDirectories(guestDir);
        Files.copy(guest.resolve("vmlinuz-cloud"), guestDir.resolve("vmlinuz"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(guest.resolve("initrd.gz"), guestDir.resolve("initrd.gz"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(guest.resolve("vmlinuz-generic"), guestDir.resolve("vmlinuz-generic"), StandardCopyOption.REPLACE_EXISTING);
        return new LocalSession(cluster, home);
    }

    /** Builds (or finds cached) the guest from Debian packages with hack/build-test-guest.sh; returns its directory. */
    public static Path buildGuest(Path home) throws IOException, InterruptedException {
        Path script = home.resolve("hack/build-test-guest.sh");
        Process process = new ProcessBuilder("bash", script.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!process.waitFor(15, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException("building the guest with " + script + " failed (exit " + process.exitValue() + ")");
        }
        String[] lines = out.split("\n");
        return Path.of(lines[lines.length - 1]);
    }

    /** For a command that cleans up on SIGINT/SIGTERM itself (StopSignal): see {@link LocalCluster#closedByCallerOnExit()}. */
    public LocalSession closedByCallerOnExit() {
        cluster.closedByCallerOnExit();
        return this;
    }

    public LocalCluster cluster() {
        return cluster;
    }

    public Path samples() {
        return home.resolve("samples");
    }

    /** Every object of the YAML files (or directories of them), in file order. */
    public static List<HasMetadata> read(List<Path> paths) throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        for (Path path : paths) {
            List<Path> files = new ArrayList<>();
            if (Files.isDirectory(path)) {
                try (var listing = Files.list(path)) {
                    listing.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().forEach(files::add);
                }
            } else {
                files.add(path);
            }
            for (Path file : files) {
                var yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
                try (var documents = yaml.readerFor(com.fasterxml.jackson.databind.JsonNode.class).readValues(file.toFile())) {
                    while (documents.hasNext()) {
                        com.fasterxml.jackson.databind.JsonNode document = (com.fasterxml.jackson.databind.JsonNode) documents.next();
                        if (document == null || document.isNull() || document.isEmpty()) {
                            continue;
                        }
                        // our kinds as our classes: fabric8 would otherwise hand out generic resources
                        Class<? extends HasMetadata> type = switch (document.path("kind").asText()) {
                            case "VmTemplate" -> VmTemplate.class;
                            case "VmClone" -> VmClone.class;
                            case "VmClonePool" -> VmClonePool.class;
                            default -> io.fabric8.kubernetes.api.model.GenericKubernetesResource.class;
                        };
                        objects.add(Serialization.unmarshal(document.toString(), type));
                    }
                }
            }
        }
        return objects;
    }

    @Override
    public KubernetesClient client() {
        return cluster.client();
    }

    @Override
    public String namespace() {
        return NAMESPACE;
    }

    @Override
    public String describe() {
        return "embedded API server at " + cluster.apiUrl();
    }

    public VmTemplate template(String name) {
        return cluster.client().resources(VmTemplate.class).inNamespace(NAMESPACE).withName(name).get();
    }

    public VmClone clone(String name) {
        return cluster.client().resources(VmClone.class).inNamespace(NAMESPACE).withName(name).get();
    }

    public static boolean settled(HasMetadata object) {
        if (object instanceof VmTemplate t) {
            TemplatePhase phase = t.getStatus() == null ? null : t.getStatus().phase();
            return phase == TemplatePhase.Ready || phase == TemplatePhase.Failed;
        }
        if (object instanceof VmClone c) {
            ClonePhase phase = c.getStatus() == null ? null : c.getStatus().phase();
            return phase == ClonePhase.Running || phase == ClonePhase.Paused || phase == ClonePhase.Failed
                    || phase == ClonePhase.Succeeded;
        }
        return true;
    }

    public static boolean failed(HasMetadata object) {
        return (object instanceof VmTemplate t && t.getStatus() != null && t.getStatus().phase() == TemplatePhase.Failed)
                || (object instanceof VmClone c && c.getStatus() != null && c.getStatus().phase() == ClonePhase.Failed);
    }

    /** Deletes pools and clones first, then templates, and waits until all are gone (template files removed). */
    public void deleteAll(Duration timeout) throws InterruptedException {
        var client = cluster.client();
        client.resources(VmClonePool.class).inAnyNamespace().list().getItems().forEach(p -> client.resource(p).delete());
        client.resources(VmClone.class).inAnyNamespace().list().getItems().forEach(c -> client.resource(c).delete());
        client.resources(VmTemplate.class).inAnyNamespace().list().getItems().forEach(t -> client.resource(t).delete());
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)
                && !(client.resources(VmClone.class).inAnyNamespace().list().getItems().isEmpty()
                        && client.resources(VmClonePool.class).inAnyNamespace().list().getItems().isEmpty()
                        && client.resources(VmTemplate.class).inAnyNamespace().list().getItems().isEmpty())) {
            Thread.sleep(200);
        }
    }

    @Override
    public void close() {
        cluster.close();
    }
}
