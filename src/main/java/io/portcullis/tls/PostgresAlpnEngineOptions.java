package io.portcullis.tls;

import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;
import java.util.List;

/**
 * TLS engine options that advertise ALPN {@code postgresql}, for the JDK engine and for OpenSSL.
 *
 * <p>Why this exists: in Vert.x 4.5 a {@code NetServer} builds its TLS contexts with no application
 * protocols at all (only the HTTP server passes its ALPN list), so {@code setUseAlpn(true)} alone
 * negotiates nothing. PostgreSQL 17 direct-TLS clients require the server to select
 * {@code postgresql}. These options wrap the engine's context factory and substitute our protocol
 * list for the empty one Vert.x passes. They subclass Vert.x's own option classes because Vert.x
 * decides engine-specific behaviour with {@code instanceof}. Vert.x 5 has
 * {@code ServerSSLOptions#setApplicationLayerProtocols} and makes this class unnecessary.
 *
 * <p>A client that offers ALPN without {@code postgresql} gets a {@code no_application_protocol}
 * alert from the JDK engine (as PostgreSQL answers); OpenSSL completes the handshake without ALPN,
 * and direct TLS then closes the connection ({@link VertxTls#startDirectTls}). A client that offers
 * no ALPN is served without it by both.
 */
final class PostgresAlpnEngineOptions {

    private PostgresAlpnEngineOptions() {
    }

    /** Options for a resolved engine ({@link TlsEngine#OPENSSL} or {@link TlsEngine#JDK}). */
    static SSLEngineOptions forEngine(TlsEngine engine, List<String> applicationProtocols) {
        return engine == TlsEngine.OPENSSL ? new OpenSsl(applicationProtocols) : new Jdk(applicationProtocols);
    }

    /** The JDK engine with our ALPN list. */
    static final class Jdk extends JdkSSLEngineOptions {
        private final List<String> applicationProtocols;

        Jdk(List<String> applicationProtocols) {
            this.applicationProtocols = List.copyOf(applicationProtocols);
        }

        private Jdk(Jdk other) {
            super(other);
            this.applicationProtocols = other.applicationProtocols;
        }

        @Override
        public Jdk copy() {
            return new Jdk(this);
        }

        @Override
        public SslContextFactory sslContextFactory() {
            return new FixedAlpnFactory(super.sslContextFactory(), applicationProtocols);
        }
    }

    /** OpenSSL (netty-tcnative) with our ALPN list. */
    static final class OpenSsl extends OpenSSLEngineOptions {
        private final List<String> applicationProtocols;

        OpenSsl(List<String> applicationProtocols) {
            this.applicationProtocols = List.copyOf(applicationProtocols);
        }

        private OpenSsl(OpenSsl other) {
            super(other);
            this.applicationProtocols = other.applicationProtocols;
        }

        @Override
        public OpenSsl copy() {
            return new OpenSsl(this);
        }

        @Override
        public SslContextFactory sslContextFactory() {
            return new FixedAlpnFactory(super.sslContextFactory(), applicationProtocols);
        }
    }

    /** Forwards everything to the engine's factory except the application protocol list. */
    private static final class FixedAlpnFactory implements SslContextFactory {
        private final SslContextFactory delegate;

        FixedAlpnFactory(SslContextFactory delegate, List<String> applicationProtocols) {
            this.delegate = delegate;
            delegate.applicationProtocols(applicationProtocols);
        }

        @Override
        public SslContextFactory useAlpn(boolean useAlpn) {
            delegate.useAlpn(useAlpn);
            return this;
        }

        @Override
        public SslContextFactory clientAuth(io.netty.handler.ssl.ClientAuth clientAuth) {
            delegate.clientAuth(clientAuth);
            return this;
        }

        @Override
        public SslContextFactory forClient(boolean forClient) {
            delegate.forClient(forClient);
            return this;
        }

        @Override
        public SslContextFactory keyMananagerFactory(javax.net.ssl.KeyManagerFactory kmf) {
            delegate.keyMananagerFactory(kmf);
            return this;
        }

        @Override
        public SslContextFactory trustManagerFactory(javax.net.ssl.TrustManagerFactory tmf) {
            delegate.trustManagerFactory(tmf);
            return this;
        }

        @Override
        public SslContextFactory enabledCipherSuites(java.util.Set<String> enabledCipherSuites) {
            delegate.enabledCipherSuites(enabledCipherSuites);
            return this;
        }

        /** Ignores the (empty) list a Vert.x 4.5 {@code NetServer} passes; ours was set at construction. */
        @Override
        public SslContextFactory applicationProtocols(List<String> ignored) {
            return this;
        }

        @Override
        public SslContextFactory serverName(String serverName) {
            delegate.serverName(serverName);
            return this;
        }

        @Override
        public io.netty.handler.ssl.SslContext create() throws javax.net.ssl.SSLException {
            return delegate.create();
        }
    }
}
