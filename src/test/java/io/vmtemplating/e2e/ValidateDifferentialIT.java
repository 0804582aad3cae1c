package io.vmtemplating.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vmtemplating.contract.GeneratedSpecs;
import io.vmtemplating.contract.VmtValidate;
import io.vmtemplating.contract.YamlForms;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `vmt validate` gives the verdict of a real API server (Kubernetes 1.34, our CRDs, our validating webhook), for
 * every file in samples/ and every odd YAML spelling of {@link YamlForms} (through kubectl apply --dry-run=server, as
 * a pipeline runs it) and every generated spec
 * (a server-side dry-run create with strict field validation). A clone whose template it needs gets that template
 * created for real first, as `vmt validate` checks clones against the templates of the same run. Every
 * difference is listed, both verdicts and both messages, and any fails the test.
 */
class ValidateDifferentialIT {

    private static final YAMLMapper YAML = new YAMLMapper();

    /** One object both sides judged differently. */
    record Difference(String source, String what, VmtValidate.Result vmt, ApiServerAnswers.Answer server) {
        String render() {
            return source + " (" + what + ")\n      vmt validate: " + (vmt.valid() ? "ADMITTED " : "REFUSED ") + vmt.message()
                    + "\n      API server:   " + (server.admitted() ? "ADMITTED " : "REFUSED ") + server.message();
        }
    }

    @Test
    void vmtValidateGivesTheApiServersVerdict(@TempDir Path dir) throws IOException {
        long start = System.nanoTime();
        // without the webhook the server's verdict is the CRD's alone, and every webhook rule would show as a difference
        assertTrue(RealCluster.client().admissionRegistration().v1().validatingWebhookConfigurations().list().getItems().stream()
                        .flatMap(c -> c.getWebhooks().stream()).anyMatch(w -> w.getName().endsWith("vmtemplating.io")),
                "no validating webhook of vmtemplating.io is registered: start the cluster with the operator"
                        + " (hack/cluster/up.sh without VMT_CLUSTER_OPERATOR=0)");
        ApiServerAnswers server = new ApiServerAnswers(RealCluster.client());
        List<Difference> differences = new ArrayList<>();
        int sampleObjects = 0;
        for (Path file : sampleFiles()) {
            sampleObjects += compareFile(file, server, dir, differences);
        }
        List<YamlForms.Form> forms = YamlForms.all();
        for (YamlForms.Form form : forms) {
            Path file = Files.writeString(dir.resolve(form.id() + ".yaml"), form.yaml());
            VmtValidate.Result vmt = VmtValidate.file(file).last();
            ApiServerAnswers.Answer answer = server.kubectlApply(file, sharedNamespace(), true);
            if (answer.admitted() != vmt.valid()) {
                differences.add(new Difference(form.id(), "YAML " + form.what(), vmt, answer));
            }
        }
        List<GeneratedSpecs.Spec> specs = GeneratedSpecs.all();
        compareGenerated(specs, server, dir, differences);
        deleteNamespace(sharedNamespace());
        long seconds = (System.nanoTime() - start) / 1_000_000_000;
        System.out.printf("ValidateDifferentialIT: %d objects from %d sample files, %d YAML forms and %d generated specs in %d s,"
                + " %d differences%n", sampleObjects, sampleFiles().size(), forms.size(), specs.size(), seconds, differences.size());
        assertTrue(differences.isEmpty(), differences.size() + " differences between vmt validate and the API server:\n    "
                + String.join("\n    ", differences.stream().map(Difference::render).toList()));
    }

    /** One sample file, object by object, each sent with kubectl; its templates exist before its clones are judged. */
    private static int compareFile(Path file, ApiServerAnswers server, Path dir, List<Difference> differences) throws IOException {
        List<String> documents = documents(Files.readString(file));
        List<VmtValidate.Result> vmt = VmtValidate.file(file).results();
        if (vmt.size() != documents.size()) {
            differences.add(new Difference(file.toString(), "object count", new VmtValidate.Result("", "", false,
                    List.of(vmt.size() + " objects checked")), new ApiServerAnswers.Answer(true, documents.size() + " objects in the file")));
            return documents.size();
        }
        boolean hasClones = documents.stream().anyMatch(d -> kind(d).equals("VmClone"));
        // a file with clones gets a namespace of its own: only its own templates may be found
        String namespace = hasClones ? RealCluster.namespace("vmt-diff-file") : sharedNamespace();
        List<Integer> order = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < documents.size(); i++) {
                if (kind(documents.get(i)).equals("VmClone") == (pass == 1)) {
                    order.add(i);
                }
            }
        }
        for (int i : order) {
            Path single = ApiServerAnswers.write(dir, documents.get(i));
            ApiServerAnswers.Answer answer = server.kubectlApply(single, namespace, true);
            if (answer.admitted() && hasClones && kind(documents.get(i)).equals("VmTemplate")) {
                server.kubectlApply(single, namespace, false);
            }
            if (answer.admitted() != vmt.get(i).valid()) {
                differences.add(new Difference(file + " #" + (i + 1), vmt.get(i).kind() + "/" + vmt.get(i).name(), vmt.get(i), answer));
            }
        }
        if (hasClones) {
            deleteNamespace(namespace); // its templates were created for real: with an operator and a node they would boot
        }
        return documents.size();
    }

    private static void compareGenerated(List<GeneratedSpecs.Spec> specs, ApiServerAnswers server, Path dir,
                                         List<Difference> differences) {
        String namespace = sharedNamespace();
        Map<String, ApiServerAnswers.Answer> templates = new HashMap<>();
        for (GeneratedSpecs.Spec spec : specs) {
            List<JsonNode> documents = new ArrayList<>();
            for (ObjectNode template : spec.templates()) {
                String name = template.path("metadata").path("name").asText();
                ApiServerAnswers.Answer created = templates.computeIfAbsent(name, n -> server.create(template, namespace));
                if (!created.admitted()) {
                    differences.add(new Difference(spec.id(), "its template " + name + " could not be created",
                            new VmtValidate.Result("VmTemplate", name, true, List.of()), created));
                }
                documents.add(template);
            }
            documents.add(spec.object());
            VmtValidate.Result result = VmtValidate.objects(documents, dir).last();
            ApiServerAnswers.Answer answer = server.dryRunCreate(spec.object(), namespace);
            if (answer.admitted() != result.valid()) {
                differences.add(new Difference(spec.id(), spec.check() + ": " + spec.what() + "; " + spec.object(), result, answer));
            }
        }
    }

    private static String shared;

    private static synchronized String sharedNamespace() {
        if (shared == null) {
            shared = RealCluster.namespace("vmt-diff");
        }
        return shared;
    }

    private static void deleteNamespace(String namespace) {
        RealCluster.client().namespaces().withName(namespace).delete();
    }

    private static List<Path> sampleFiles() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("samples"))) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
        }
    }

    /** The file's YAML documents as written (kubectl reads each itself), empty ones left out. */
    private static List<String> documents(String text) {
        List<String> documents = new ArrayList<>();
        for (String document : text.split("(?m)^---\\s*$")) {
            if (document.lines().anyMatch(l -> !l.isBlank() && !l.strip().startsWith("#"))) {
                documents.add(document);
            }
        }
        return documents;
    }

    private static String kind(String document) {
        try {
            return YAML.readTree(document).path("kind").asText();
        } catch (IOException e) {
            return "";
        }
    }
}
