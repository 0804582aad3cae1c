package io.vmtemplating.gitops;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of deploy/argocd's health checks the way Argo CD does (a Lua 5.1 chunk with the object as the global
 * {@code obj}, returning a table with status and message), with Debian's Lua 5.1 interpreter and its cjson module.
 */
public final class ArgoHealth {
    public static final Path CUSTOMIZATIONS = Path.of("deploy/argocd/resource_customizations/vmtemplating.io");

    /** What Argo CD would show. */
    public record Health(String status, String message) {
    }

    private static final String RUNNER = """
            local cjson = require "cjson"
            obj = cjson.decode(io.read("*a"))
            local check = assert(loadfile(arg[1]))
            local hs = check()
            io.write(hs.status, "\\n", hs.message or "")
            """;

    private static Path runner;

    private ArgoHealth() {
    }

    private static synchronized Path runner() throws IOException {
        if (runner == null) {
            runner = Files.createTempFile("argo-health-runner", ".lua");
            runner.toFile().deleteOnExit();
            Files.writeString(runner, RUNNER);
        }
        return runner;
    }

    public static Health of(HasMetadata object) {
        return of(object.getKind(), Serialization.asJson(object));
    }

    public static Health of(String kind, String json) {
        Path script = CUSTOMIZATIONS.resolve(kind).resolve("health.lua").toAbsolutePath();
        try {
            Process lua = new ProcessBuilder("lua5.1", runner().toString(), script.toString()).redirectErrorStream(true).start();
            try (OutputStream in = lua.getOutputStream()) {
                in.write(json.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(lua.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!lua.waitFor(10, TimeUnit.SECONDS) || lua.exitValue() != 0) {
                lua.destroyForcibly();
                throw new IllegalStateException("lua5.1 " + script + " failed: " + out);
            }
            int newline = out.indexOf('\n');
            return new Health(out.substring(0, newline), out.substring(newline + 1));
        } catch (IOException e) {
            throw new IllegalStateException("lua5.1 (Debian: lua5.1 lua-cjson, hack/install-deps.sh) cannot run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The check's source, for tests that read it. */
    public static String source(String kind) throws IOException {
        return Files.readString(CUSTOMIZATIONS.resolve(kind).resolve("health.lua"));
    }
}
