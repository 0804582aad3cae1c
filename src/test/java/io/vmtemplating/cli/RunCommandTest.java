package io.vmtemplating.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** `vmt run`: its errors, and a denied object through the embedded API server (no VM needs to boot). */
class RunCommandTest {

    private record Result(int exit, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Vmt.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withoutInputItSaysHowToCallIt() {
        Result result = run("run");
        assertEquals(1, result.exit());
        assertTrue(result.err().contains("usage: vmt run -f FILE|DIR"), result.err());
    }

    @Test
    void aMissingFileIsNamed() {
        Result result = run("run", "-f", "samples/no-such.yaml", "--once");
        assertEquals(1, result.exit());
        assertTrue(result.err().contains("samples/no-such.yaml: no such file or directory"), result.err());
    }

    @Test
    void aDeniedObjectIsShownWithTheWebhookMessageAndNotStored() {
        Result result = run("run", "-f", "samples/rejected/vhost-user-device.yaml", "--once", "-o", "json");
        assertEquals(1, result.exit(), result.out() + result.err());
        assertTrue(result.err().contains("admission webhook \"vmtemplates.vmtemplating.io\" denied the request"), result.err());
        assertTrue(result.err().contains("spec.devices.vhostUser[0]"), result.err());
    }
}
