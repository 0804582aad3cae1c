package io.vmtemplating.bench;

import io.vmtemplating.local.LocalCluster;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A bench part's scratch directory under /dev/shm (template memory files of 512 MiB each) and the processes it runs
 * there: when the part ends, fails, or the bench gets SIGINT/SIGTERM ({@link Teardown}), the processes are stopped and
 * the directory removed. QEMU is found by its command line, which names its files in the directory: it is started
 * deep inside library code (a cold boot, a template freeze, a restore) that knows nothing of the bench's teardown.
 */
final class Scratch implements AutoCloseable {
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final Teardown teardown;
    private final Path dir;

    private Scratch(Teardown teardown, Path dir) {
        this.teardown = teardown;
        this.dir = dir;
    }

    /** @param prefix the directory's name before its random part ("vmt-cold") */
    static Scratch create(String prefix, PrintStream err) throws IOException {
        Path shm = Path.of("/dev/shm");
        Path dir = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")), prefix);
        Teardown teardown = new Teardown(err);
        // undone newest first: the processes go before their files
        teardown.add("removing " + dir, () -> LocalCluster.deleteTree(dir));
        teardown.add("stopping the processes that use " + dir, () -> stopAll(namingDirectory(dir)));
        return new Scratch(teardown, dir);
    }

    Path dir() {
        return dir;
    }

    /**
     * A process the part started whose command line need not name the directory (a launcher): stopped, with what it
     * started, when the registration is closed, or else with the rest.
     */
    Teardown.Registration stopAtEnd(Process process) {
        return teardown.add("stopping process " + process.pid(), () -> stopAll(List.of(process.toHandle())));
    }

    @Override
    public void close() {
        teardown.close();
    }

    /** This JVM's descendants whose command line names the directory. */
    private static List<ProcessHandle> namingDirectory(Path dir) {
        String name = dir.toString();
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().map(line -> line.contains(name)).orElse(false)).toList();
    }

    /** SIGTERM to each and what it started (QEMU quits, a launcher cleans up), SIGKILL to what is left after the grace. */
    private static void stopAll(List<ProcessHandle> processes) throws InterruptedException {
        List<ProcessHandle> all = processes.stream()
                .flatMap(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.descendants())).toList();
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        while (System.nanoTime() < deadline && all.stream().anyMatch(ProcessHandle::isAlive)) {
            Thread.sleep(50);
        }
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
