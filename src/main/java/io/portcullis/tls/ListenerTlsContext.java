package io.portcullis.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import io.netty.util.concurrent.ImmediateExecutor;
import io.portcullis.log.LogText;
import org.jboss.logging.Logger;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;

/**
 * The TLS context of the wire listener: a Netty {@link SslContext} built here from a {@link TlsState} (certificate,
 * named certificates, protocols, ciphers, client CA, ALPN {@value VertxTls#ALPN_POSTGRESQL}) and replaced in one step
 * when the state changes. Each connection takes the context current when its TLS starts and keeps it; the listening
 * socket itself carries no TLS options at all.
 *
 * <p>Why not Vert.x's {@code NetServer#updateSSLOptions}: Vert.x 4.5 leaves the server without TLS options while it
 * builds the new ones on a worker thread, and a connection accepted in that window fails in Vert.x's accept handler
 * ({@code NullPointerException}, "Failed to initialize a channel") and is reset. Every certificate rotation dropped
 * the clients that connected during it. Here the new context is complete before anyone can see it.
 *
 * <p>Thread-safe: swapped from the administration's threads, read on every event loop.
 */
final class ListenerTlsContext {

    private static final Logger LOG = Logger.getLogger(ListenerTlsContext.class);

    private final TlsEngine engine;
    private TlsState state;
    /** Built from {@link #state}; null until first needed, so a native start does not pay for it before a client does. */
    private volatile SslContext context;
    /** Why the context for {@link #state} could not be built, or null. */
    private CertificateMaterialException buildFailure;

    /** A context for {@code initial}, built when first needed ({@link #current}). */
    ListenerTlsContext(TlsState initial, TlsEngine engine) {
        this.state = initial;
        this.engine = engine;
    }

    /**
     * The context new connections get, built now if it was not yet.
     *
     * @throws CertificateMaterialException when the TLS engine refuses the state (it was checked before it got here)
     */
    SslContext current() {
        SslContext built = context;
        if (built != null) {
            return built;
        }
        synchronized (this) {
            if (context == null) {
                if (buildFailure != null) {
                    // Not built again for each connection: any client could make an event loop do it.
                    throw buildFailure;
                }
                try {
                    context = build(state, engine);
                } catch (CertificateMaterialException e) {
                    buildFailure = e;
                    LOG.errorf("the listener's TLS context cannot be built, every TLS handshake fails until the TLS "
                            + "settings change: %s", LogText.escape(e.getMessage()));
                    throw e;
                }
            }
            return context;
        }
    }

    /**
     * Serves {@code next} to every connection whose TLS starts from now on. Blocking (it builds the context, a few
     * ms); established connections keep what they negotiated.
     *
     * @throws CertificateMaterialException when the TLS engine refuses {@code next}; the current context stays
     */
    void swap(TlsState next) {
        SslContext built = build(next, engine);
        synchronized (this) {
            state = next;
            context = built;
            buildFailure = null;
        }
    }

    /** A TLS handler for a new connection on {@code channel}, server side, with the current context. */
    SslHandler newHandler(Channel channel) {
        // Delegated tasks (certificate checks) run inline: they are short, and our trust manager defers its verdict.
        SslHandler handler = current().newHandler(channel.alloc(), ImmediateExecutor.INSTANCE);
        handler.setHandshakeTimeout(VertxTls.HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return handler;
    }

    /**
     * Builds a context from {@code state} and a TLS engine from it, and the same for each named certificate as if it
     * were the only one, without serving anything: so that a change can be refused before it is stored or applied.
     * Blocking (a few ms).
     *
     * @throws CertificateMaterialException saying what the TLS engine refused
     */
    static void check(TlsState state, TlsEngine engine) {
        List<TlsState> contexts = new ArrayList<>(List.of(state));
        // The listener's context picks named certificates inside the handshake: a key the engine cannot use would only
        // show there. Each is tried here as the certificate of a context of its own.
        state.named().forEach(named -> contexts.add(state.withNamed(List.of()).withMaterial(named.material())));
        try {
            for (TlsState each : contexts) {
                build(each, engine).newEngine(ByteBufAllocator.DEFAULT);
            }
        } catch (CertificateMaterialException refused) {
            throw refused;
        } catch (RuntimeException e) { // from the engine itself
            throw new CertificateMaterialException("the TLS engine refuses these settings: " + e.getMessage(), e);
        }
    }

    /**
     * The listener's context for {@code state}: the certificate alone, or with named ones a key manager that picks by
     * server name ({@link SniKeyManager}); exactly the state's protocols and ciphers (or the defaults); client
     * certificates requested ({@code OPTIONAL}: asked for, not required) and judged after the handshake
     * ({@link DeferredClientTrust}); ALPN {@value VertxTls#ALPN_POSTGRESQL}.
     */
    private static SslContext build(TlsState state, TlsEngine engine) {
        try {
            TlsMaterial material = state.material();
            SslContextBuilder builder = state.named().isEmpty()
                    ? SslContextBuilder.forServer(material.key(), material.chain().toArray(X509Certificate[]::new))
                    : SslContextBuilder.forServer(namedKeyManagers(material, state.named(), engine));
            return builder.sslProvider(engine.provider())
                    .protocols(VertxTls.protocolSet(state.protocols()))
                    .ciphers(VertxTls.ciphersOrDefault(state.ciphers(), engine))
                    .clientAuth(ClientAuth.OPTIONAL)
                    .trustManager(new DeferredClientTrust(state.clientCa() == null ? List.of() : state.clientCa().certificates()))
                    .applicationProtocolConfig(alpn(engine))
                    .build();
        } catch (SSLException | RuntimeException e) {
            throw new CertificateMaterialException("the TLS engine refuses these settings: " + e.getMessage(), e);
        }
    }

    /**
     * The certificates with named ones: {@link SniKeyManager}. For OpenSSL, each certificate is turned into the
     * engine's own form once per context, not at every handshake (as Netty does by itself for a single certificate).
     */
    private static KeyManagerFactory namedKeyManagers(TlsMaterial material, List<SniCertificate> named, TlsEngine engine) {
        KeyManagerFactory choosing = new KeyManagerFactoryWrapper(new SniKeyManager(material, named));
        return engine == TlsEngine.OPENSSL ? new OpenSslCachingX509KeyManagerFactory(choosing) : choosing;
    }

    /**
     * ALPN {@value VertxTls#ALPN_POSTGRESQL}. A client offering only other protocols gets a {@code no_application_protocol}
     * alert from the JDK engine, as from PostgreSQL; OpenSSL cannot send that alert and completes without ALPN (direct
     * TLS then closes the connection: {@link VertxTls#startDirectTls}). A client offering none is served without it.
     */
    private static ApplicationProtocolConfig alpn(TlsEngine engine) {
        return engine == TlsEngine.OPENSSL
                ? new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, VertxTls.ALPN_POSTGRESQL)
                : new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.FATAL_ALERT,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.FATAL_ALERT, VertxTls.ALPN_POSTGRESQL);
    }
}
