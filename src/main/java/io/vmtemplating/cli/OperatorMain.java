package io.vmtemplating.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code vmt operator}: the Quarkus application, after {@link OperatorPreflight} found a cluster that answers.
 * The Quarkus tests do not come through here (they start the application themselves).
 */
@QuarkusMain
public final class OperatorMain {
    OperatorMain() { // package-private: Quarkus makes a bean of a @QuarkusMain class
    }

    public static void main(String... args) {
        String home = System.getProperty("user.home");
        Optional<String> problem = OperatorPreflight.problem(System.getenv(), home == null ? null : Path.of(home),
                OperatorPreflight.SERVICE_ACCOUNT_TOKEN);
        if (problem.isPresent()) {
            System.err.println("vmt operator: " + problem.get());
            System.exit(1);
        }
        Quarkus.run(args);
    }
}
