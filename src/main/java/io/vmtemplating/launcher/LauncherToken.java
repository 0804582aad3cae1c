package io.vmtemplating.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The token the operator sends with POST /pause, /resume and /freeze: read once from the Secret the pod mounts
 * ({@link PodContract#TOKEN_FILE}). A launcher without one refuses every POST: fail closed.
 */
record LauncherToken(byte[] value) {
    private static final String BEARER = "Bearer ";

    static Optional<LauncherToken> read(PodPaths paths) {
        Path file = paths.resolve(PodContract.TOKEN_FILE);
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            return token.isEmpty() ? Optional.empty() : Optional.of(new LauncherToken(token.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether an Authorization header carries this token (compared in constant time). */
    boolean admits(String authorization) {
        if (authorization == null || !authorization.startsWith(BEARER)) {
            return false;
        }
        return MessageDigest.isEqual(value, authorization.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8));
    }
}
