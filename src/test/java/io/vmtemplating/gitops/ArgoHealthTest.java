package io.vmtemplating.gitops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * deploy/argocd's health checks, each case of each kind's health_test.yaml (Argo CD's own layout for resource
 * customizations), run by a real Lua 5.1 interpreter. Live objects from real runs are checked in PoolLocalIT and
 * LocalModeIT.
 */
class ArgoHealthTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        for (String kind : List.of("VmTemplate", "VmClone", "VmClonePool")) {
            Path dir = ArgoHealth.CUSTOMIZATIONS.resolve(kind);
            for (JsonNode test : YAML.readTree(dir.resolve("health_test.yaml").toFile()).path("tests")) {
                cases.add(Arguments.of(kind + "/" + test.path("inputPath").asText(), kind, dir.resolve(test.path("inputPath").asText()),
                        new ArgoHealth.Health(test.path("healthStatus").path("status").asText(), test.path("healthStatus").path("message").asText())));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void argoShowsWhatTheStatusSays(String name, String kind, Path input, ArgoHealth.Health expected) throws IOException {
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(YAML.readTree(Files.readString(input)));
        assertEquals(expected, ArgoHealth.of(kind, json));
    }
}
