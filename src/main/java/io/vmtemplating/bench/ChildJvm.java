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

    /** @param javaOptions the child's JVM options (the operator's own, not the bench's C1-only ones) */
    static ChildJvm start(String mode, String apiUrl, List<String> javaOptions, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(javaOptions);
        command.add("-Djava.util.logging.manager=org.jboss.logmanager.LogManager");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BenchChild.class.getName());
        command.add(mode);
        command.add(apiUrl);
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
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

    JsonNode report() throws IOException {
        stdin.println("report");
        String line = stdout.readLine();
        if (line == null) {
            throw new IOException("the benchmark's child JVM exited; see target/bench/*.log");
        }
        return new ObjectMapper().readTree(line);
    }

    @Override
    public void close() throws InterruptedException {
        stdin.close();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
