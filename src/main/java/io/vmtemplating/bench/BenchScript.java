package io.vmtemplating.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A script of hack/ that a bench part runs (hack/cluster/up.sh, hack/apifloor/run.sh): its stderr, then its stdout, in
 * the part's log; a failure is one line that names the part, the script and the log.
 *
 * @param part the part's name for {@code --only} ("pool-cluster")
 */
record BenchScript(Path home, Path log, String part) {

    /**
     * Runs it to the end. With a {@code teardown}, a signal meanwhile stops it with SIGTERM (the script's own trap then
     * stops what it started) and waits for that.
     *
     * @param what  how a user runs the same ("make cluster NODE=kubelet"), for the message; "" for none
     * @param needs what the machine must have, for the message; "" when nothing special
     * @return its stdout
     */
    String run(String script, List<String> args, Map<String, String> env, String what, String needs, Teardown teardown)
            throws IOException, InterruptedException, BadBenchInput {
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of("bash", home.resolve(script).toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        Process process = builder.start();
        try (Teardown.Registration stop = teardown == null ? null : teardown.add("stopping " + script, () -> stop(process))) {
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes());
            int exit = process.waitFor();
            Files.writeString(log, out, StandardOpenOption.APPEND);
            if (exit != 0) {
                throw new BadBenchInput("--only " + part + ": " + script + (what.isEmpty() ? "" : " (" + what + ")")
                        + " failed with exit code " + exit + (needs.isEmpty() ? "" : "; it needs " + needs) + "; the end of "
                        + log + " says why");
            }
            return out;
        }
    }

    private static void stop(Process process) throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
