package io.vmtemplating.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away serving certificate for the bench's webhook, made with the JDK's own keytool (no openssl needed where
 * java runs): self-signed P-256, IP SAN 127.0.0.1 because the API server calls the webhook by URL on loopback, valid
 * one day. Being self-signed, its PEM is also the caBundle the registration carries.
 *
 * @param keystore a PKCS12 file holding the key and certificate
 * @param password the keystore's password (handed to the child JVM in its environment, not its command line)
 * @param pem      the certificate, PEM
 */
record WebhookCertificate(Path keystore, String password, String pem) {
    static final String PASSWORD_VARIABLE = "VMT_BENCH_KEYSTORE_PASSWORD";

    static WebhookCertificate create(Path dir) throws IOException, InterruptedException {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        Path keystore = dir.resolve("webhook.p12");
        keytool(password, "-genkeypair", "-alias", "webhook", "-keyalg", "EC", "-groupname", "secp256r1",
                "-sigalg", "SHA256withECDSA", "-dname", "CN=vmt-bench-webhook", "-ext", "san=ip:127.0.0.1",
                "-validity", "1", "-keystore", keystore.toString(), "-storetype", "PKCS12");
        String out = keytool(password, "-exportcert", "-rfc", "-alias", "webhook", "-keystore", keystore.toString(),
                "-storetype", "PKCS12");
        int begin = out.indexOf("-----BEGIN CERTIFICATE-----");
        String end = "-----END CERTIFICATE-----";
        if (begin < 0 || out.indexOf(end, begin) < 0) {
            throw new IOException("keytool -exportcert printed no certificate: " + out.strip());
        }
        // only the PEM block: keytool may print warnings around it
        String pem = out.substring(begin, out.indexOf(end, begin) + end.length()) + "\n";
        return new WebhookCertificate(keystore, password, pem);
    }

    /** keytool with the store password from the environment ({@code -storepass:env}); its stdout. */
    private static String keytool(String password, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.add("-storepass:env");
        command.add(PASSWORD_VARIABLE);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put(PASSWORD_VARIABLE, password);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("keytool " + args[0] + " failed: " + out.strip());
        }
        return out;
    }
}
