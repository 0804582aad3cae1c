package io.vmtemplating.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmClonePool;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.crd.CustomResourceCreate;
import io.vmtemplating.crd.Verdict;
import io.vmtemplating.webhook.ResourceReader;
import io.vmtemplating.webhook.Violation;
import io.vmtemplating.webhook.VmCloneValidator;
import io.vmtemplating.webhook.VmClonePoolValidator;
import io.vmtemplating.webhook.VmTemplateValidator;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code vmt validate -f FILE|DIR ... [-R] [-o json]}: the verdict a real API server would give to
 * {@code kubectl apply} of the files, offline, for GitOps pipelines: the CRD's schema, defaults and CEL rules
 * (read from the CRDs the jar carries), metadata rules and strict field validation, then the webhook's rules.
 * Clones are checked against templates found in the same run (same namespace and name); a clone whose
 * template is not among the files passes on its own rules, as it would at admission.
 * Exit code 0: all valid; 1: a violation; 2: usage error or a file that cannot be read.
 */
public final class ValidateCommand {

    static final String USAGE = "usage: vmt validate -f FILE|DIR [-f FILE|DIR ...] [-R] [-o text|json]";

    private ValidateCommand() {
    }

    /** One VmTemplate, VmClonePool or VmClone found in a file, and what the rules said about it. */
    record Checked(Path file, String kind, String namespace, String name, List<Violation> violations) {
    }

    private record Options(List<Path> paths, boolean recursive, boolean json) {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("vmt validate: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        List<ManifestFiles.Document> documents;
        try {
            documents = ManifestFiles.read(options.paths(), options.recursive());
        } catch (ManifestFiles.UnreadableFileException e) {
            err.println("vmt validate: " + e.getMessage());
            return 2;
        }
        List<Checked> results = check(documents);
        if (options.json()) {
            out.println(json(results));
        } else {
            human(results, out);
        }
        return results.stream().allMatch(r -> r.violations().isEmpty()) ? 0 : 1;
    }

    private static Options parse(String[] args) {
        List<Path> paths = new ArrayList<>();
        boolean recursive = false;
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-f", "--filename" -> {
                    if (++i >= args.length) {
                        throw new IllegalArgumentException(args[i - 1] + " needs a file or directory");
                    }
                    paths.add(Path.of(args[i]));
                }
                case "-R", "--recursive" -> recursive = true;
                case "-o", "--output" -> {
                    if (++i >= args.length || !(args[i].equals("json") || args[i].equals("text"))) {
                        throw new IllegalArgumentException("-o takes text or json");
                    }
                    json = args[i].equals("json");
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("no files given");
        }
        return new Options(paths, recursive, json);
    }

    /**
     * Each VmTemplate and VmClone as a real API server judges its create: the CRD's own checks first (schema,
     * defaults, metadata, CEL rules, strict field validation, as kubectl applies), then, for what passes, the
     * webhook's rules on the defaulted object. A clone meets only templates that pass, since a refused template
     * would not exist on a cluster.
     */
    static List<Checked> check(List<ManifestFiles.Document> documents) {
        CustomResourceCreate server = ServerChecks.instance();
        Map<String, VmTemplate> templates = new HashMap<>();
        List<Checked> results = new ArrayList<>();
        Map<String, VmClonePool> pools = new HashMap<>();
        List<Runnable> poolChecks = new ArrayList<>();
        List<Runnable> clones = new ArrayList<>();
        for (ManifestFiles.Document document : documents) {
            JsonNode tree = document.tree();
            String apiVersion = tree.path("apiVersion").asText("");
            String kind = tree.path("kind").asText("");
            if (!server.catalog().claims(apiVersion, kind)) {
                continue; // a ConfigMap beside our objects is not ours to judge
            }
            String namespace = text(tree.path("metadata").path("namespace"));
            String name = text(tree.path("metadata").path("name"));
            // the namespace comes from kubectl's context when the file has none
            Verdict verdict = server.check(tree, CustomResourceCreate.FieldValidation.STRICT, true);
            if (!(verdict instanceof Verdict.Admitted admitted)) {
                results.add(new Checked(document.file(), kind, namespace, name, ServerViolations.of(verdict)));
            } else if (kind.equals("VmTemplate")) {
                List<Violation> violations = templateViolations(admitted.object());
                if (violations.isEmpty()) {
                    templates.put(namespace + "/" + name, ResourceReader.read(admitted.object(), VmTemplate.class).resource());
                }
                results.add(new Checked(document.file(), kind, namespace, name, violations));
            } else if (kind.equals("VmClonePool")) {
                int slot = results.size();
                results.add(null);
                // pools after every template, claims after every pool, wherever they sit in the files
                poolChecks.add(() -> {
                    ResourceReader.Result<VmClonePool> read = ResourceReader.read(admitted.object(), VmClonePool.class);
                    List<Violation> violations = read.error() != null ? List.of(read.error())
                            : VmClonePoolValidator.validate(read.resource(), read.resource().getSpec() == null
                                    || read.resource().getSpec().templateRef() == null ? Optional.empty()
                                    : Optional.ofNullable(templates.get(namespace + "/" + read.resource().getSpec().templateRef().name())));
                    if (violations.isEmpty()) {
                        pools.put(namespace + "/" + name, read.resource());
                    }
                    results.set(slot, new Checked(document.file(), kind, namespace, name, violations));
                });
            } else {
                int slot = results.size();
                results.add(null);
                // clones run after every template is known, wherever the template sits in the files
                clones.add(() -> results.set(slot, new Checked(document.file(), kind, namespace, name,
                        cloneViolations(admitted.object(), namespace, templates, pools))));
            }
        }
        poolChecks.forEach(Runnable::run);
        clones.forEach(Runnable::run);
        return results;
    }

    /** A string field's text; "" for null or another type (Jackson's asText() of null is "null"). */
    private static String text(JsonNode value) {
        return value.isTextual() ? value.asText() : "";
    }

    private static List<Violation> templateViolations(JsonNode object) {
        ResourceReader.Result<VmTemplate> read = ResourceReader.read(object, VmTemplate.class);
        return read.error() != null ? List.of(read.error()) : VmTemplateValidator.validate(read.resource());
    }

    private static List<Violation> cloneViolations(JsonNode object, String namespace, Map<String, VmTemplate> templates,
            Map<String, VmClonePool> pools) {
        ResourceReader.Result<VmClone> read = ResourceReader.read(object, VmClone.class);
        if (read.error() != null) {
            return List.of(read.error());
        }
        if (VmCloneValidator.isClaim(read.resource())) {
            // as the webhook: a claim's pool must exist, here among the files given
            Optional<VmClonePool> pool = Optional.ofNullable(pools.get(namespace + "/" + read.resource().getSpec().poolRef().name()));
            Optional<VmTemplate> template = pool.map(VmClonePool::getSpec).map(s -> s.templateRef())
                    .flatMap(ref -> Optional.ofNullable(templates.get(namespace + "/" + ref.name())));
            return VmCloneValidator.validateClaim(read.resource(), pool, template);
        }
        return VmCloneValidator.validate(read.resource(), templateOf(read.resource(), namespace, templates));
    }

    private static Optional<VmTemplate> templateOf(VmClone clone, String namespace, Map<String, VmTemplate> templates) {
        if (clone.getSpec() == null || clone.getSpec().templateRef() == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(templates.get(namespace + "/" + clone.getSpec().templateRef().name()));
    }

    private static void human(List<Checked> results, PrintStream out) {
        if (results.isEmpty()) {
            out.println("no VmTemplate or VmClone found");
        }
        for (Checked result : results) {
            String prefix = result.file() + ": " + result.kind() + "/" + result.name() + ": ";
            if (result.violations().isEmpty()) {
                out.println(prefix + "OK");
            }
            result.violations().forEach(v -> out.println(prefix + v.render()));
        }
    }

    private static String json(List<Checked> results) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("valid", results.stream().allMatch(r -> r.violations().isEmpty()));
        ArrayNode list = root.putArray("results");
        for (Checked result : results) {
            ObjectNode node = list.addObject().put("file", result.file().toString()).put("kind", result.kind())
                    .put("namespace", result.namespace()).put("name", result.name())
                    .put("valid", result.violations().isEmpty());
            ArrayNode violations = node.putArray("violations");
            result.violations().forEach(v -> violations.addObject().put("field", v.fieldPath()).put("message", v.message()));
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
