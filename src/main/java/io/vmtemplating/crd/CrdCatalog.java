package io.vmtemplating.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The project's CustomResourceDefinitions as the jar carries them ({@code /crds/...}, copied from crds/ at build
 * time): the single source of truth for what the API server accepts, read rather than restated.
 */
public final class CrdCatalog {

    /** The CRD files under /crds on the class path; crds/ holds exactly these (CrdSyncTest regenerates them). */
    public static final List<String> FILES = List.of("vmtemplates.vmtemplating.io-v1.yml", "vmclones.vmtemplating.io-v1.yml",
            "vmclonepools.vmtemplating.io-v1.yml");

    private static final YAMLMapper YAML = new YAMLMapper();

    private final List<CrdVersion> versions;

    private CrdCatalog(List<CrdVersion> versions) {
        this.versions = List.copyOf(versions);
    }

    /** Reads every CRD in {@link #FILES} from the class path; a missing file means a broken build. */
    public static CrdCatalog fromClassPath() {
        List<JsonNode> crds = new ArrayList<>();
        for (String file : FILES) {
            try (InputStream in = CrdCatalog.class.getResourceAsStream("/crds/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("CRD " + file + " is not on the class path; rebuild with `mvn package`");
                }
                crds.add(YAML.readTree(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read CRD " + file, e);
            }
        }
        return of(crds);
    }

    /** The served versions of the given CRD documents (apiextensions.k8s.io/v1). */
    public static CrdCatalog of(List<JsonNode> crds) {
        List<CrdVersion> versions = new ArrayList<>();
        for (JsonNode crd : crds) {
            JsonNode spec = crd.path("spec");
            for (JsonNode version : spec.path("versions")) {
                if (!version.path("served").asBoolean(true)) {
                    continue;
                }
                versions.add(new CrdVersion(spec.path("group").asText(), version.path("name").asText(),
                        spec.path("names").path("kind").asText(), spec.path("names").path("plural").asText(),
                        !"Cluster".equals(spec.path("scope").asText()),
                        version.path("schema").path("openAPIV3Schema"), version.path("subresources").has("status")));
            }
        }
        return new CrdCatalog(versions);
    }

    public List<CrdVersion> versions() {
        return versions;
    }

    /** The served version for this apiVersion and kind, as the API server's discovery would find it. */
    public Optional<CrdVersion> find(String apiVersion, String kind) {
        return versions.stream().filter(v -> v.apiVersion().equals(apiVersion) && v.kind().equals(kind)).findFirst();
    }

    /**
     * Whether a document is meant for these CRDs: their group or one of their kinds. Other documents (a ConfigMap
     * in the same file) are not ours to judge.
     */
    public boolean claims(String apiVersion, String kind) {
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        return versions.stream().anyMatch(v -> v.group().equals(group) || v.kind().equals(kind));
    }

    /** The apiVersions that serve a kind, for the hint in a "no matches for kind" error. */
    public List<String> apiVersionsOf(String kind) {
        return versions.stream().filter(v -> v.kind().equals(kind)).map(CrdVersion::apiVersion).toList();
    }
}
