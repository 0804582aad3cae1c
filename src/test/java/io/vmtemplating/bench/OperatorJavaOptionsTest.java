package io.vmtemplating.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The bench's operator runs with the JVM options `vmt operator` gives it, so its figures are the operator's. */
class OperatorJavaOptionsTest {

    @Test
    void theBenchsOperatorHasTheOptionsOfVmtOperator() throws Exception {
        String script = Files.readString(Path.of("vmt"));
        Matcher operator = Pattern.compile("\\$\\{VMT_JAVA_OPTS:-([^}]*)\\} -jar \"\\$app/quarkus-run.jar\"").matcher(script);
        assertTrue(operator.find(), "vmt's operator line with its default JVM options");
        List<String> defaults = List.of(operator.group(1).trim().split("\\s+"));
        assertTrue(BenchCommand.OPERATOR_JAVA_OPTIONS.containsAll(defaults),
                "vmt operator runs with " + defaults + ", the bench's operator with " + BenchCommand.OPERATOR_JAVA_OPTIONS);
    }
}
