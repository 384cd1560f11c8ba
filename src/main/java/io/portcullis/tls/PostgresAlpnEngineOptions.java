package io.portcullis.tls;

import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;
import java.util.List;

/**
 * JDK TLS engine options that advertise ALPN {@code postgresql}.
 *
 * <p>Why this exists: in Vert.x 4.5 a {@code NetServer} builds its TLS contexts with no application
 * protocols at all (only the HTTP server passes its ALPN list), so {@code setUseAlpn(true)} alone
 * negotiates nothing. PostgreSQL 17 direct-TLS clients require the server to select
 * {@code postgresql}. This engine option wraps the JDK context factory and substitutes our protocol
 * list for the empty one Vert.x passes. Vert.x 5 has {@code ServerSSLOptions#setApplicationLayerProtocols}
 * and makes this class unnecessary.
 *
 * <p>With the JDK engine, a client that offers ALPN without {@code postgresql} gets a
 * {@code no_application_protocol} alert, as PostgreSQL itself answers; a client that offers no ALPN
 * is served without it.
 */
final class PostgresAlpnEngineOptions extends JdkSSLEngineOptions {

    private final List<String> applicationProtocols;

    PostgresAlpnEngineOptions(List<String> applicationProtocols) {
        this.applicationProtocols = List.copyOf(applicationProtocols);
    }

    private PostgresAlpnEngineOptions(PostgresAlpnEngineOptions other) {
        super(other);
        this.applicationProtocols = other.applicationProtocols;
    }

    @Override
    public PostgresAlpnEngineOptions copy() {
        return new PostgresAlpnEngineOptions(this);
    }

    @Override
    public SslContextFactory sslContextFactory() {
        return new FixedAlpnFactory(super.sslContextFactory(), applicationProtocols);
    }

    /** Forwards everything to the JDK factory except the application protocol list. */
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
