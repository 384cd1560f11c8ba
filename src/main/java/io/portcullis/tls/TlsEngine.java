package io.portcullis.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

import java.util.Locale;
import java.util.Set;

/**
 * Which TLS implementation terminates client connections.
 *
 * <p>Why there is a choice: OpenSSL (BoringSSL through {@code netty-tcnative-boringssl-static}) does
 * a handshake and encrypts a record at a fraction of the JDK engine's CPU cost, which is what a
 * TLS gateway spends most of its time on; PgBouncer uses OpenSSL too. The JVM build ships it for
 * Linux x86-64 and aarch64. The native executable has no JNI library to load and keeps the JDK
 * engine, which also remains the fallback wherever OpenSSL cannot load.
 */
public enum TlsEngine {
    /** OpenSSL when it loads (with ALPN), else the JDK: the default. */
    AUTO,
    /** OpenSSL or refuse to start: for operators who want to be sure which engine runs. */
    OPENSSL,
    /** The JDK's own engine (JSSE). */
    JDK;

    /**
     * @param setting {@code auto}, {@code openssl} or {@code jdk} (case-insensitive)
     * @throws IllegalArgumentException naming the accepted values
     */
    public static TlsEngine parse(String setting) {
        try {
            return valueOf(setting.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("portcullis.tls.engine must be auto, openssl or jdk, not '" + setting + "'");
        }
    }

    /**
     * The engine that will actually run: {@link #OPENSSL} or {@link #JDK}.
     *
     * @throws IllegalStateException for {@link #OPENSSL} when OpenSSL cannot be used here, with the reason
     */
    public TlsEngine resolve() {
        return switch (this) {
            case JDK -> JDK;
            case AUTO -> openSslUsable() ? OPENSSL : JDK;
            case OPENSSL -> {
                if (!openSslUsable()) {
                    Throwable cause = OpenSsl.unavailabilityCause();
                    throw new IllegalStateException("portcullis.tls.engine=openssl but OpenSSL cannot be used: "
                            + (cause != null ? cause.getMessage() : "its ALPN support is missing"), cause);
                }
                yield OPENSSL;
            }
        };
    }

    /** The Netty provider for a resolved engine. */
    public SslProvider provider() {
        return this == OPENSSL ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** The cipher suites (JSSE names) a resolved engine can negotiate, for validating a cipher list. */
    public Set<String> supportedCiphers() {
        if (this == OPENSSL) {
            return Set.copyOf(OpenSsl.availableJavaCipherSuites());
        }
        try {
            return Set.of(javax.net.ssl.SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no default TLS context", e);
        }
    }

    private static boolean openSslUsable() {
        // In a native image netty-tcnative is absent (see pom.xml), and isAvailable() is false there.
        return OpenSsl.isAvailable() && SslProvider.isAlpnSupported(SslProvider.OPENSSL);
    }
}
