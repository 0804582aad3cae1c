package io.vmtemplating.gitops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Flux waits on kstatus: our statuses must read as Current when Ready, InProgress while working, and Failed — not an
 * endless InProgress until Flux's timeout — when no retry helps (the Stalled condition). The objects are the Argo
 * test data (statuses as the operator writes them); live ones are checked in ReconcilerIT.
 */
class FluxKstatusTest {
    static Stream<Arguments> objects() {
        return Stream.of(
                Arguments.of("VmTemplate/testdata/ready.yaml", "Current"),
                Arguments.of("VmTemplate/testdata/booting.yaml", "InProgress"),
                Arguments.of("VmTemplate/testdata/failed.yaml", "Failed"),
                Arguments.of("VmTemplate/testdata/stale.yaml", "InProgress"),
                Arguments.of("VmClone/testdata/claimed.yaml", "Current"),
                Arguments.of("VmClone/testdata/paused.yaml", "Current"),
                Arguments.of("VmClone/testdata/crashed.yaml", "Failed"),
                Arguments.of("VmClone/testdata/waiting.yaml", "InProgress"),
                Arguments.of("VmClonePool/testdata/ready.yaml", "Current"),
                Arguments.of("VmClonePool/testdata/no-template.yaml", "InProgress"),
                Arguments.of("VmClonePool/testdata/members-failing.yaml", "InProgress"));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @MethodSource("objects")
    void fluxReadsOurStatus(String file, String expected) throws IOException {
        Path input = ArgoHealth.CUSTOMIZATIONS.resolve(file);
        String json = new ObjectMapper().writeValueAsString(new YAMLMapper().readTree(input.toFile()));
        assertEquals(expected, Kstatus.of(json).status());
    }
}
