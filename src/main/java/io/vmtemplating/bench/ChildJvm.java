package io.vmtemplating.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A {@link BenchChild} JVM on this JVM's class path: its first stdout line, and JSON reports on request. */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final BufferedReader stdout;
    private final PrintWriter stdin;

    private ChildJvm(Process process) {
        this.process = process;
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** A child against the embedded API server at {@code apiUrl}. */
    static ChildJvm start(String mode, String apiUrl, List<String> javaOptions, Path log) throws IOException {
        return start(List.of(mode, "mock", apiUrl), Map.of(), javaOptions, log);
    }

    /**
     * @param args        {@link BenchChild}'s arguments
     * @param environment added to this JVM's (a keystore's password stays off the command line)
     * @param javaOptions the child's JVM options (the operator's own, not the bench's C1-only ones)
     */
    static ChildJvm start(List<String> args, Map<String, String> environment, List<String> javaOptions, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(javaOptions);
        command.add("-Djava.util.logging.manager=org.jboss.logmanager.LogManager");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BenchChild.class.getName());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new ChildJvm(process);
    }

    /** The child's first line ({@code ready}, {@code port=N}); fails if it exits first. */
    String firstLine() throws IOException {
        String line = stdout.readLine();
        if (line == null) {
            throw new IOException("the benchmark's child JVM exited before it was ready; see target/bench/*.log");
        }
        return line;
    }

    /** The child's per-round figures (the webhook's handling times) start afresh. */
    void reset() {
        stdin.println("reset");
    }

    JsonNode report() throws IOException {
        stdin.println("report");
        String line = stdout.readLine();
        if (line == null) {
            throw new IOException("the benchmark's child JVM exited; see target/bench/*.log");
        }
        return new ObjectMapper().readTree(line);
    }

    /** Ends the child (EOF on its stdin); again is a no-op, so a part and the teardown may both call it. */
    @Override
    public void close() throws InterruptedException {
        stdin.close();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
