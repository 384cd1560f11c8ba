package io.portcullis.tls;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Client-facing TLS as the application properties set it. Settings changed through the API
 * ({@code PUT /api/v1/tls}, stored in the configuration store) take precedence over {@code mode},
 * {@code protocols} and {@code ciphers}.
 */
@ConfigMapping(prefix = "portcullis.tls")
public interface TlsSettings {

    /** {@code disable | allow | prefer | require | verify-ca | verify-full}, PgBouncer's client_tls_sslmode semantics. */
    @WithDefault("require")
    String mode();

    /** TLS 1.2 and 1.3 only; older versions are refused whatever is configured. */
    @WithDefault("TLSv1.3,TLSv1.2")
    List<String> protocols();

    /**
     * {@code auto} (OpenSSL when it loads, else the JDK), {@code openssl} (refuse to start without it) or
     * {@code jdk}. See {@link TlsEngine}.
     */
    @WithDefault("auto")
    String engine();

    /** Readiness reports the certificate as expiring soon (in its data) once it has less than this left. */
    @WithDefault("14d")
    Duration expiryWarning();

    /**
     * Cipher suites (JSSE names), TLS 1.3 and TLS 1.2 alike; unset (or empty) means {@link VertxTls#DEFAULT_CIPHERS}:
     * TLS 1.3's suites and TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305 only. Name CBC or RSA suites here only
     * for clients that can do nothing better.
     */
    Optional<List<String>> ciphers();

    /**
     * PEM certificate chain to serve instead of the one in the data directory; watched and reloaded
     * on change (cert-manager, certbot). Needs {@link #keyFile()}.
     */
    Optional<Path> certFile();

    /** PEM private key of {@link #certFile()}. */
    Optional<Path> keyFile();

    /** PEM CA certificates client certificates must chain to; watched like {@link #certFile()}. */
    Optional<Path> clientCaFile();

    /**
     * A directory of named certificates chosen by the client's server name (SNI), instead of those managed through
     * {@code /api/v1/tls/certificates}: each subdirectory {@code <name>/} with {@code tls.crt} and {@code tls.key}
     * (a mounted Kubernetes TLS Secret) is one; watched and reloaded like {@link #certFile()}.
     */
    Optional<Path> sniCertDir();

    /** How often the certificate files are checked for changes. */
    @WithDefault("1s")
    Duration fileCheckInterval();

    /** Which part of a client certificate names the user of {@code "auth":"cert"}: {@code cn}, {@code san-email}, {@code san-dns}. */
    @WithDefault("cn")
    String clientCertUserFrom();
}
