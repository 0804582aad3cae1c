package io.vmtemplating.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The client key's algorithm, which fabric8 needs told for an EC key in PKCS#8 form (`openssl genpkey` writes those). */
class ClusterConnectionTest {

    private static String pkcs8Pem(String algorithm) throws Exception {
        byte[] der = KeyPairGenerator.getInstance(algorithm).generateKeyPair().getPrivate().getEncoded();
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END PRIVATE KEY-----\n";
    }

    @Test
    void pkcs8KeysByTheirContent() throws Exception {
        assertEquals(Optional.of("EC"), ClusterConnection.keyAlgorithm(pkcs8Pem("EC")));
        assertEquals(Optional.of("RSA"), ClusterConnection.keyAlgorithm(pkcs8Pem("RSA")));
    }

    @Test
    void traditionalKeysByTheirHeader() {
        assertEquals(Optional.of("EC"), ClusterConnection.keyAlgorithm("-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n"));
        assertEquals(Optional.of("RSA"), ClusterConnection.keyAlgorithm("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n"));
    }

    @Test
    void notAKey() {
        assertEquals(Optional.empty(), ClusterConnection.keyAlgorithm("hello"));
        assertEquals(Optional.empty(), ClusterConnection.keyAlgorithm("-----BEGIN PRIVATE KEY-----\n!!\n-----END PRIVATE KEY-----\n"));
        assertEquals(Optional.empty(), ClusterConnection.keyAlgorithm("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
    }
}
