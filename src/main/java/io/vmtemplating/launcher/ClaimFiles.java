package io.vmtemplating.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Pure: the operator's POST /claim-data body → the files a guest receives, in the order they are written. The
 * directory is the template's spec.claimData.directory; {@code ready} comes last, so a guest that waits for it finds
 * every other file complete. The body is checked again here: keys become guest paths.
 *
 * <pre>{"uid": "…", "name": "…", "namespace": "…", "secretResourceVersion": "…", "data": {"key": "base64", …}}</pre>
 */
record ClaimFiles(String uid, String secretResourceVersion, String dataDirectory, List<GuestFile> files) {
    /** A Secret key as the API server allows it (and never "." or ".."). */
    private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]{1,253}");
    private static final Pattern DIRECTORY = Pattern.compile("(/[A-Za-z0-9_][A-Za-z0-9._-]*)+");
    static final String DATA_DIR = "data";
    static final String READY_FILE = "ready";

    record GuestFile(String path, byte[] content) {
    }

    static ClaimFiles of(JsonNode body, String directory) {
        if (directory == null || !DIRECTORY.matcher(directory).matches()) {
            throw new InvalidSpecException("spec.claimData.directory", "'" + directory + "' is not an absolute guest directory");
        }
        String uid = text(body, "uid");
        List<GuestFile> files = new ArrayList<>();
        Map<String, String> data = new TreeMap<>();
        JsonNode given = body.path("data");
        for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!KEY.matcher(entry.getKey()).matches() || entry.getKey().equals(".") || entry.getKey().equals("..")) {
                throw new IllegalArgumentException("data key '" + entry.getKey() + "' is not a Secret key");
            }
            data.put(entry.getKey(), entry.getValue().asText());
        }
        String dataDirectory = directory + "/" + DATA_DIR;
        data.forEach((key, base64) -> files.add(new GuestFile(dataDirectory + "/" + key, Base64.getDecoder().decode(base64))));
        files.add(utf8(directory + "/name", text(body, "name")));
        files.add(utf8(directory + "/namespace", text(body, "namespace")));
        files.add(utf8(directory + "/uid", uid));
        files.add(utf8(directory + "/" + READY_FILE, uid));
        String version = body.path("secretResourceVersion").isTextual() ? body.get("secretResourceVersion").asText() : null;
        return new ClaimFiles(uid, version, dataDirectory, List.copyOf(files));
    }

    private static GuestFile utf8(String path, String text) {
        return new GuestFile(path, (text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.path(field);
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalArgumentException("claim data body: " + field + " is required");
        }
        return value.asText();
    }
}
