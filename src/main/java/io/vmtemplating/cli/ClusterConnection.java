package io.vmtemplating.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * A client for a real cluster from a kubeconfig, checked before use: every way it can be unusable (no file, no
 * kubeconfig, a server that is down, credentials refused) is one {@link BadInput} line naming the flag and the fix.
 *
 * @param source how the user named the kubeconfig ("--kubeconfig PATH" or "KUBECONFIG=PATH"), for messages
 */
public record ClusterConnection(Config config, String source) {

    /** Input the user must fix: its message names the flag and the fix. */
    static final class BadInput extends Exception {
        BadInput(String message) {
            super(message);
        }
    }

    /**
     * The cluster to join: --kubeconfig, else $KUBECONFIG (its first file). Never ~/.kube/config by default: a
     * command that registers this machine with whatever cluster that file points at would be a surprise.
     */
    static ClusterConnection fromKubeconfig(String flag, Map<String, String> env) throws BadInput {
        String path;
        String source;
        if (flag != null) {
            path = flag;
            source = "--kubeconfig " + flag;
        } else if (env.get("KUBECONFIG") != null && !env.get("KUBECONFIG").isBlank()) {
            path = env.get("KUBECONFIG").split(":")[0];
            source = "KUBECONFIG=" + path;
        } else {
            throw new BadInput("no cluster given: pass --kubeconfig PATH or set KUBECONFIG"
                    + " (make cluster prints where its kubeconfig is)");
        }
        Path file = Path.of(path);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new BadInput(source + ": cannot read that file; pass the kubeconfig your cluster wrote"
                    + " (make cluster prints where it is)");
        }
        Config config;
        try {
            config = Config.fromKubeconfig(file.toFile());
        } catch (KubernetesClientException | IllegalArgumentException e) {
            throw new BadInput(source + ": not a usable kubeconfig (" + rootCause(e) + "); pass the kubeconfig your"
                    + " cluster wrote (make cluster prints where it is)");
        }
        if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
            throw new BadInput(source + ": names no API server (no cluster server in its current context);"
                    + " pass the kubeconfig your cluster wrote");
        }
        fillClientKeyAlgorithm(config);
        return new ClusterConnection(config, source);
    }

    /**
     * A client, once the API server answered a request as the caller's user ({@code check}: one the command needs
     * anyway, so a user that may not do it is told now).
     */
    KubernetesClient connect(Consumer<KubernetesClient> check) throws BadInput {
        String url = config.getMasterUrl();
        // the check fails fast: the client's default retries would take a minute and more to say the server is down
        Config once = new ConfigBuilder(config).withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(5_000).withRequestTimeout(10_000).build();
        try (KubernetesClient probe = new KubernetesClientBuilder().withConfig(once).build()) {
            check.accept(probe);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 401) {
                throw new BadInput("the API server at " + url + " did not accept the credentials of " + source
                        + " (HTTP 401); pass the kubeconfig your cluster wrote");
            }
            if (e.getCode() == 403) {
                throw new BadInput("the user of " + source + " may not do what this command needs (HTTP 403: "
                        + e.getStatus().getMessage() + "); pass a kubeconfig whose user may");
            }
            Throwable cause = innermost(e);
            if (cause instanceof ConnectException || cause instanceof NoRouteToHostException
                    || cause instanceof UnknownHostException || cause instanceof SocketTimeoutException) {
                throw new BadInput("cannot reach the API server at " + url + ": " + rootCause(e)
                        + "; is the cluster up? (make cluster)");
            }
            if (cause instanceof SSLException) {
                throw new BadInput("TLS with the API server at " + url + " failed (" + rootCause(e) + "); is " + source
                        + " the kubeconfig of this cluster?");
            }
            throw new BadInput(source + ": cannot use its credentials or the server at " + url + " (" + rootCause(e)
                    + "); pass the kubeconfig your cluster wrote");
        }
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** Sets the config's client key algorithm from the key itself when the kubeconfig does not say (see keyAlgorithm). */
    public static void fillClientKeyAlgorithm(Config config) {
        if (config.getClientKeyAlgo() == null) {
            clientKey(config).flatMap(ClusterConnection::keyAlgorithm).ifPresent(config::setClientKeyAlgo);
        }
    }

    /** The kubeconfig's client key (PEM), inline or in its file. */
    private static Optional<String> clientKey(Config config) {
        try {
            if (config.getClientKeyData() != null) {
                return Optional.of(new String(Base64.getDecoder().decode(config.getClientKeyData().strip()), StandardCharsets.UTF_8));
            }
            if (config.getClientKeyFile() != null) {
                return Optional.of(Files.readString(Path.of(config.getClientKeyFile())));
            }
        } catch (IOException | IllegalArgumentException e) {
            // unreadable: the client says so on its first request, which the connection check makes
        }
        return Optional.empty();
    }

    /**
     * The client key's algorithm. fabric8 reads a key as RSA unless told, and tells only from a PEM's "BEGIN EC"
     * header; an EC key in PKCS#8 form ("BEGIN PRIVATE KEY", what `openssl genpkey` writes) needs the hint.
     */
    static Optional<String> keyAlgorithm(String pem) {
        if (pem.contains("BEGIN EC PRIVATE KEY")) {
            return Optional.of("EC");
        }
        if (pem.contains("BEGIN RSA PRIVATE KEY")) {
            return Optional.of("RSA");
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            return Optional.empty();
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                return Optional.of(algorithm);
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        return Optional.empty();
    }

    private static Throwable innermost(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The innermost message's first line: "Connection refused" rather than fabric8's wrapping of it (one line). */
    static String rootCause(Throwable e) {
        Throwable cause = innermost(e);
        return cause.getMessage() != null ? cause.getMessage().lines().findFirst().orElse("").strip() : "no further detail";
    }
}
