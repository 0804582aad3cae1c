package io.vmtemplating.bench;

import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;

/**
 * The algorithm of a kubeconfig's client key when its PEM does not say. fabric8 7.5.2 reads an unlabelled PKCS#8 key
 * ("BEGIN PRIVATE KEY") as RSA unless client-key-algo is set, and fails on an EC one with "Invalid DER: object is not
 * integer" before it even connects; openssl genpkey (hack/cluster/pki.sh) writes EC keys exactly that way.
 */
final class ClientKeyAlgorithm {
    private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PKCS8_END = "-----END PRIVATE KEY-----";

    private ClientKeyAlgorithm() {
    }

    /** Sets the config's client key algorithm when it is unset and the key is PKCS#8 of a kind the JDK reads. */
    static void fill(Config config) throws IOException {
        if (config.getClientKeyAlgo() != null) {
            return;
        }
        String pem = config.getClientKeyData() != null
                ? new String(Base64.getDecoder().decode(config.getClientKeyData().trim()), StandardCharsets.UTF_8)
                : config.getClientKeyFile() != null ? Files.readString(Path.of(config.getClientKeyFile())) : null;
        if (pem != null) {
            of(pem).ifPresent(config::setClientKeyAlgo);
        }
    }

    /** "RSA" or "EC" for a PKCS#8 PEM key; empty for any other PEM (labelled keys, which fabric8 reads itself). */
    static Optional<String> of(String pem) {
        int begin = pem.indexOf(PKCS8_BEGIN);
        int end = pem.indexOf(PKCS8_END);
        if (begin < 0 || end < begin) {
            return Optional.empty();
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + PKCS8_BEGIN.length(), end));
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                return Optional.of(algorithm);
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        return Optional.empty();
    }
}
