package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Claim data through the real qemu-guest-agent of the test guest (issue 16, item 4): a template declaring
 * spec.claimData, a clone restored paused as a pool member is, resumed, then POST /claim-data; what the guest holds is
 * read back through its agent. TCG like {@link LauncherQemuTest}.
 */
@Tag("qemu")
class ClaimDataQemuTest {
    private static final String ACCEL = System.getProperty("vmt.test.accel", "tcg");
    private static final String DIRECTORY = "/run/vmtemplating";
    private static Path root;
    private static int templateExit;
    private static LauncherProcess template;

    @BeforeAll
    static void buildTemplate() throws Exception {
        root = Files.createTempDirectory(Path.of("/dev/shm"), "vmt-claim-data-test-");
        template = LauncherProcess.start("template", env("{\"templateRef\":{\"name\":\"t\"}}"), paths("template"), root.resolve("template/out"));
        templateExit = template.waitForExit(Duration.ofMinutes(4));
    }

    @AfterAll
    static void removeFiles() {
        if (root != null) {
            Cleanup.deleteRecursively(root);
        }
    }

    private static Map<String, String> env(String cloneSpec) {
        return Map.of("VMT_TEMPLATE_SPEC", TestGuest.claimDataTemplateSpec(DIRECTORY), "VMT_CLONE_SPEC", cloneSpec,
                "VMT_ACCEL", ACCEL, "VMT_TEMPLATE_UID", "7d2e0c7a-1111-2222-3333-444455556666");
    }

    private static String paths(String instance) throws Exception {
        Path files = root.resolve("template");
        return "/vmt/memory=" + files.resolve("memory") + ":/vmt/state=" + files.resolve("state") + ":/vmt/run="
                + root.resolve(instance).resolve("run") + ":" + TestGuest.bootPathMap();
    }

    private static String body(String uid, String name, Map<String, byte[]> data) {
        StringBuilder json = new StringBuilder("{\"uid\":\"" + uid + "\",\"name\":\"" + name
                + "\",\"namespace\":\"team-a\",\"secretResourceVersion\":\"42\",\"data\":{");
        data.forEach((key, value) -> json.append(json.charAt(json.length() - 1) == '{' ? "" : ",")
                .append('"').append(key).append("\":\"").append(Base64.getEncoder().encodeToString(value)).append('"'));
        return json.append("}}").toString();
    }

    private static String guestFile(Path run, String path) throws Exception {
        try (GuestAgentClient agent = GuestAgentClient.connect(run.resolve(VmDefinitionRenderer.GUEST_AGENT_SOCKET), Duration.ofSeconds(20))) {
            return new String(agent.readFile(path), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aResumedMemberReceivesItsIdentityAndSecretDataThroughTheGuestAgent() throws Exception {
        assertEquals(0, templateExit, "template build failed: " + template.stderr());
        try (LauncherProcess member = LauncherProcess.start("clone", env("{\"templateRef\":{\"name\":\"t\"},\"running\":false}"),
                paths("member"), root.resolve("member/out"))) {
            member.awaitReady(Duration.ofSeconds(60));
            // paused, as a pool member waits: the agent cannot answer, so nothing is written
            HttpResponse<String> paused = member.post(PodContract.PATH_CLAIM_DATA, body("u-1", "claim-1", Map.of()), Duration.ofSeconds(10));
            assertEquals(503, paused.statusCode(), paused.body());
            // served by the clone keeper now: the launcher's JVM handed the member over and exited
            assertEquals("paused", Json.MAPPER.readTree(member.get("/status").body()).path("state").asText(), member.stderr());
            org.awaitility.Awaitility.await("the launcher JVM's exit").atMost(Duration.ofSeconds(20))
                    .until(() -> member.process.toHandle().children().noneMatch(child -> child.info().command().orElse("").endsWith("java")));
            assertTrue(member.qemu().isPresent(), "QEMU is the keeper's child: " + member.stderr());

            HttpResponse<String> resumed = member.post(PodContract.PATH_RESUME);
            assertEquals(200, resumed.statusCode());
            assertEquals("running", Json.MAPPER.readTree(resumed.body()).path("state").asText(), resumed.body());
            assertEquals("running", Json.MAPPER.readTree(member.get("/status").body()).path("state").asText());
            byte[] binary = {0, 1, 2, (byte) 0xff, '\n'};
            byte[] large = "x".repeat(100_000).getBytes(StandardCharsets.US_ASCII); // more than one guest-file-write
            String request = body("u-1", "claim-1", Map.of("password", "s3cret".getBytes(StandardCharsets.UTF_8),
                    "blob.bin", binary, "large", large));
            long start = System.nanoTime();
            HttpResponse<String> delivered = member.post(PodContract.PATH_CLAIM_DATA, request, Duration.ofSeconds(40));
            long postMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(200, delivered.statusCode(), delivered.body() + "\n" + member.stderr());
            JsonNode result = Json.MAPPER.readTree(delivered.body());
            assertEquals("delivered", result.path("state").asText(), result.toString());
            assertEquals(7, result.path("files").asInt(), result.toString());
            System.out.println("[claim-data] delivery of 7 files (100 KB) acknowledged in " + result.path("millis")
                    + " ms (launcher), POST answered in " + postMillis + " ms");

            Path run = root.resolve("member/run");
            assertEquals("claim-1\n", guestFile(run, DIRECTORY + "/name"));
            assertEquals("team-a\n", guestFile(run, DIRECTORY + "/namespace"));
            assertEquals("u-1\n", guestFile(run, DIRECTORY + "/uid"));
            assertEquals("u-1\n", guestFile(run, DIRECTORY + "/ready"));
            assertEquals("s3cret", guestFile(run, DIRECTORY + "/data/password"));
            assertEquals(100_000, guestFile(run, DIRECTORY + "/data/large").length());
            try (GuestAgentClient agent = GuestAgentClient.connect(run.resolve(VmDefinitionRenderer.GUEST_AGENT_SOCKET), Duration.ofSeconds(20))) {
                assertEquals(java.util.Arrays.toString(binary), java.util.Arrays.toString(agent.readFile(DIRECTORY + "/data/blob.bin")));
            }

            JsonNode status = Json.MAPPER.readTree(member.get(PodContract.PATH_STATUS).body());
            assertEquals("u-1", status.path("claimData").path("uid").asText(), status.toString());
            assertEquals("42", status.path("claimData").path("secretResourceVersion").asText(), status.toString());

            // the same claim again: answered from what was delivered, nothing written twice
            HttpResponse<String> again = member.post(PodContract.PATH_CLAIM_DATA, request, Duration.ofSeconds(10));
            assertEquals(result.path("millis").asLong(), Json.MAPPER.readTree(again.body()).path("millis").asLong());

            // what delivery adds to a warm claim, launcher side: a small claim (identity and one key) on a running
            // guest whose directory now exists, against the resume alone
            List<Long> deliveries = new java.util.ArrayList<>();
            List<Long> resumes = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                assertEquals(200, member.post(PodContract.PATH_PAUSE).statusCode());
                long resumeStart = System.nanoTime();
                assertEquals(200, member.post(PodContract.PATH_RESUME).statusCode());
                resumes.add((System.nanoTime() - resumeStart) / 1_000_000);
                long deliveryStart = System.nanoTime();
                HttpResponse<String> small = member.post(PodContract.PATH_CLAIM_DATA, body("u-small-" + i, "claim-" + i,
                        Map.of("token", "abc".getBytes(StandardCharsets.UTF_8))), Duration.ofSeconds(40));
                deliveries.add((System.nanoTime() - deliveryStart) / 1_000_000);
                assertEquals(200, small.statusCode(), small.body());
            }
            assertEquals("claim-4\n", guestFile(run, DIRECTORY + "/name"));
            System.out.println("[claim-data] small claim (5 files) POST /claim-data ms " + deliveries + ", POST /resume ms " + resumes
                    + "; first delivery (mkdir + 7 files, 100 KB) " + result.path("millis") + " ms");

            // a key that would leave the directory is refused before the guest sees anything
            HttpResponse<String> escape = member.post(PodContract.PATH_CLAIM_DATA,
                    body("u-2", "claim-2", Map.of("..", new byte[1])), Duration.ofSeconds(10));
            assertEquals(400, escape.statusCode(), escape.body());
            assertEquals(401, member.post(PodContract.PATH_CLAIM_DATA, null).statusCode(), "the namespace's token, as every POST");
        }
    }
}
