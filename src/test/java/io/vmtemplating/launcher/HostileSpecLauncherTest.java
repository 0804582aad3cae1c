package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import io.vmtemplating.webhook.BootFileDirs;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Defence in depth (issue 15, item 5): a spec that admission refuses, handed straight to the launcher (as when the
 * webhook is down or bypassed), ends the pod with InvalidSpec naming the field, and no QEMU process is started.
 * Every case of {@link HostileSpecs}, in the launcher's template mode and, for template values, its clone mode too.
 */
class HostileSpecLauncherTest {
    @TempDir
    static Path dir;
    private static final AtomicInteger RUNS = new AtomicInteger();

    static Stream<HostileSpecs.Case> cases() {
        return HostileSpecs.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedWithInvalidSpecBeforeQemu(HostileSpecs.Case hostile) throws Exception {
        Path runDir = dir.resolve("run-" + RUNS.incrementAndGet());
        String template = json(hostile.templateSpec());
        InProcessLauncher.Outcome outcome = hostile.mode().equals(PodContract.MODE_TEMPLATE)
                ? InProcessLauncher.template(runDir, template)
                : InProcessLauncher.clone(runDir, template, json(hostile.cloneSpec()),
                        hostile.templateSpec() == null ? List.of() : InProcessLauncher.backends(hostile.templateSpec()));
        assertFalse(outcome.qemuStarted(), "QEMU was started for " + hostile + ": " + outcome.qemuArgv());
        assertEquals(PodContract.EXIT_INVALID_SPEC, outcome.exitCode(), hostile + ": " + outcome.stderr());
        assertEquals(LauncherResult.INVALID_SPEC, outcome.termination().path("outcome").asText(), outcome.termination().toString());
        List<String> lines = List.of(outcome.termination().path("error").asText().split("\n"));
        if (!hostile.expectedLines().isEmpty()) {
            assertEquals(hostile.expectedLines(), lines);
        } else {
            String named = lines.get(0).substring(0, Math.max(0, lines.get(0).indexOf(": ")));
            boolean near = hostile.nearField() && (hostile.field().startsWith(named + ".") || named.startsWith(hostile.field() + "."));
            assertTrue(named.equals(hostile.field()) || near, "names " + named + ", not " + hostile.field() + ": " + lines.get(0));
        }
        assertFalse(outcome.stderr().contains("\tat "), "a stack trace: " + outcome.stderr());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void admissionRefusesItToo(HostileSpecs.Case hostile) {
        List<String> refusals = Admission.template(hostile.templateSpec());
        if (refusals.isEmpty() && hostile.mode().equals(PodContract.MODE_CLONE)) {
            refusals = Admission.clone(hostile.cloneSpec(), hostile.templateSpec());
        }
        assertFalse(refusals.isEmpty(), "admission admits it: not hostile");
    }

    @Test
    void theSpecsBrokenHereAreAdmittedByAdmissionAndTheLauncher() {
        for (ObjectNode template : HostileSpecs.templateBases()) {
            assertEquals(List.of(), Admission.template(template), template.toString());
            assertDoesNotThrow(() -> SpecAdmission.template(json(template), BootFileDirs.DEFAULT), template.toString());
        }
        ObjectNode template = HostileSpecs.templateBases().get(0);
        assertEquals(List.of(), Admission.clone(HostileSpecs.cloneBase(), template));
        assertDoesNotThrow(() -> SpecAdmission.clone(json(HostileSpecs.cloneBase()), SpecAdmission.template(json(template), BootFileDirs.DEFAULT)));
    }

    private static String json(ObjectNode spec) {
        return spec == null ? "null" : spec.toString();
    }
}
