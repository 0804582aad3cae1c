package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The launcher's endpoint: GETs open to probes and scrapers, POSTs only with the operator's token (issue 15, item 6). */
class LauncherHttpTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final AtomicInteger pauses = new AtomicInteger();

    private LauncherHttp serve(Optional<LauncherToken> token) throws Exception {
        LauncherHttp http = LauncherHttp.start("127.0.0.1", 0, token);
        http.get("/healthz", () -> LauncherHttp.Response.text(200, "ok\n"));
        http.post("/pause", () -> {
            pauses.incrementAndGet();
            return LauncherHttp.Response.json(200, "{}");
        });
        return http;
    }

    @Test
    void commandsNeedTheTokenProbesDoNot() throws Exception {
        try (LauncherHttp http = serve(Optional.of(new LauncherToken("s3cret".getBytes(StandardCharsets.UTF_8))))) {
            assertEquals(200, get(http, "/healthz").statusCode());
            HttpResponse<String> none = post(http, "/pause", null);
            assertEquals(401, none.statusCode());
            assertEquals("only the operator may pause this VM: Authorization: Bearer <token> is missing or wrong\n", none.body());
            assertEquals(401, post(http, "/pause", "Bearer s3cre").statusCode());
            assertEquals(401, post(http, "/pause", "Basic s3cret").statusCode());
            assertEquals(0, pauses.get(), "no refused command reached the VM");
            assertEquals(200, post(http, "/pause", "Bearer s3cret").statusCode());
            assertEquals(1, pauses.get());
        }
    }

    @Test
    void answersLeaveWithoutWaitingForTheClientsAck() throws Exception {
        // the JDK server writes a response's headers and body apart; with Nagle on, the body of a second request on a
        // kept-alive connection waited for the client's delayed ACK (40 ms): the launcher turns it off for its server
        try (LauncherHttp http = serve(Optional.empty())) {
            assertEquals("true", System.getProperty(LauncherHttp.NO_DELAY));
            for (int i = 0; i < 3; i++) {
                assertEquals(200, get(http, "/healthz").statusCode(), "request " + i + " on the kept-alive connection");
            }
        }
    }

    @Test
    void aLauncherWithoutATokenTakesNoCommands() throws Exception {
        try (LauncherHttp http = serve(Optional.empty())) {
            HttpResponse<String> refused = post(http, "/pause", "Bearer anything");
            assertEquals(401, refused.statusCode());
            assertEquals("this launcher has no token (Secret vmtemplating-launcher-token not mounted): it takes no commands\n",
                    refused.body());
            assertEquals(0, pauses.get());
            assertEquals(200, get(http, "/healthz").statusCode());
        }
    }

    @Test
    void theTokenIsReadFromTheSecretVolume(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("token"), "from-secret\n");
        PodPaths paths = PodPaths.parse("/vmt/launcher-token=" + dir);
        LauncherToken token = LauncherToken.read(paths).orElseThrow();
        assertEquals(true, token.admits("Bearer from-secret"));
        assertEquals(Optional.empty(), LauncherToken.read(PodPaths.parse("/vmt/launcher-token=" + dir.resolve("missing"))));
    }

    private static HttpResponse<String> get(LauncherHttp http, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(http, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(LauncherHttp http, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(http, path)).POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(LauncherHttp http, String path) {
        return URI.create("http://127.0.0.1:" + http.port() + path);
    }
}
