package io.vmtemplating.bench;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** The bench webhook's HTTPS server: the JDK's, with the key and certificate of a {@link WebhookCertificate}. */
final class WebhookTls {
    private WebhookTls() {
    }

    static HttpServer server(InetSocketAddress address, Path keystore, String password) throws IOException {
        if (password == null) {
            throw new IOException(WebhookCertificate.PASSWORD_VARIABLE + " is not set: the keystore's password comes from there");
        }
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password.toCharArray());
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keys.getKeyManagers(), null, null);
            HttpsServer server = HttpsServer.create(address, 64);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            return server;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot serve TLS with " + keystore + ": " + e.getMessage(), e);
        }
    }
}
