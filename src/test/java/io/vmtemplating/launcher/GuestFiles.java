package io.vmtemplating.launcher;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** Reads a file of a running guest through its qemu-guest-agent socket: what a claim's guest received. */
public final class GuestFiles {
    private GuestFiles() {
    }

    /** @param runDir the launcher's run directory (it holds the agent's socket) */
    public static String read(Path runDir, String guestPath) throws Exception {
        try (GuestAgentClient agent = GuestAgentClient.connect(runDir.resolve(VmDefinitionRenderer.GUEST_AGENT_SOCKET), Duration.ofSeconds(20))) {
            return new String(agent.readFile(guestPath), StandardCharsets.UTF_8);
        }
    }
}
