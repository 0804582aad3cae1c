package io.vmtemplating.launcher;

import io.vmtemplating.json.JsonText;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The clone launcher's line to the clone keeper ({@code src/main/go/clonekeeper}), the pod's main process: the JVM
 * restores the clone, then hands QEMU to the keeper and exits. The keeper serves the launcher API from then on, so a
 * clone's life costs a few MiB of Go instead of a resident JVM (23 MiB anonymous per clone, docs/launcher.md).
 * <p>
 * Two newline-terminated JSON messages on the path in {@value #ENV_CHANNEL} (the keeper's pipe, /proc/self/fd/3):
 * {@code serve} once QEMU started (the keeper opens the HTTP endpoint and the console), {@code handover} once the
 * restore is done (the keeper connects to QMP and watches QEMU).
 */
final class KeeperChannel {
    static final String ENV_CHANNEL = "VMT_KEEPER_CHANNEL";
    static final String NOT_UNDER_KEEPER = "vmt launcher clone runs under the clone keeper (target/vmt-clone-keeper), which"
            + " the vmt script starts: use the image's entry point `vmt launcher clone`, not the JVM directly";

    private final OutputStream out;

    private KeeperChannel(OutputStream out) {
        this.out = out;
    }

    /** @throws InvalidSpecException when the launcher was not started by the keeper (a pod with a custom command) */
    static KeeperChannel open(Map<String, String> env) throws IOException {
        String path = env.get(ENV_CHANNEL);
        if (path == null || path.isBlank()) {
            throw new InvalidSpecException(ENV_CHANNEL, NOT_UNDER_KEEPER);
        }
        return new KeeperChannel(new FileOutputStream(path, true));
    }

    /** QEMU runs: where the keeper serves the API, finds the token, reports the end and reads the console. */
    void serve(String httpHost, int httpPort, String tokenFile, String terminationFile, String serialSocket, long overheadMillis)
            throws IOException {
        Map<String, Object> message = message("serve");
        message.put("httpHost", httpHost);
        message.put("httpPort", httpPort);
        message.put("tokenFile", tokenFile);
        message.put("terminationFile", terminationFile);
        message.put("serialSocket", serialSocket);
        message.put("overheadMillis", overheadMillis);
        send(message);
    }

    /** The restore is done: QEMU (this JVM's child until it exits) is the keeper's from now on. */
    void handover(Handover handover) throws IOException {
        Map<String, Object> message = message("handover");
        message.put("qemuPid", handover.qemuPid());
        message.put("qmpSocket", handover.qmpSocket());
        message.put("guestAgentSocket", handover.guestAgentSocket());
        message.put("memoryDir", handover.memoryDir());
        message.put("qemuLog", handover.qemuLog());
        message.put("running", handover.running());
        message.put("restoreMillis", handover.restoreMillis());
        Map<String, Object> claimData = null;
        if (handover.claimDataDirectory() != null) {
            claimData = new LinkedHashMap<>();
            claimData.put("directory", handover.claimDataDirectory());
            claimData.put("timeoutSeconds", handover.claimDataTimeoutSeconds());
        }
        message.put("claimData", claimData);
        send(message);
        out.close();
    }

    /**
     * @param claimDataDirectory the template's spec.claimData.directory; null when its guest takes no claim data
     */
    record Handover(long qemuPid, String qmpSocket, String guestAgentSocket, String memoryDir, String qemuLog, boolean running,
                    long restoreMillis, String claimDataDirectory, Integer claimDataTimeoutSeconds) {
    }

    private static Map<String, Object> message(String name) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("message", name);
        return message;
    }

    // JsonText, not Jackson: serve() is on the clone's way to a running guest, where Jackson's first use costs 50-100 ms
    private void send(Map<String, Object> message) throws IOException {
        out.write((JsonText.write(message) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
