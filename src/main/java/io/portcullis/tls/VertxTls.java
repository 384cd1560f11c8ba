package io.portcullis.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.netty.util.NetUtil;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.SSLOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.core.net.impl.NetSocketInternal;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The one place that touches Vert.x's TLS API, so that the move to Vert.x 5 (which reshapes it:
 * {@code ServerSSLOptions}, ALPN on the server options, a different upgrade path) is one file.
 *
 * <p>The listener is configured with {@code ssl=false}: every connection starts in plain text
 * and becomes TLS in one of two ways, both on the same port.
 * <ul>
 *   <li><b>SSLRequest</b> (libpq, pgJDBC by default): the proxy answers {@code S} and calls
 *       {@link #upgradeAfterSslRequest}. The proxy must refuse bytes that arrived after the
 *       8-byte SSLRequest in the same read (they were sent before encryption: CVE-2021-23214).</li>
 *   <li><b>Direct TLS</b> (PostgreSQL 17 {@code sslnegotiation=direct}): the first byte is
 *       {@code 0x16}, a TLS handshake record. By then the proxy's data handler has consumed the
 *       start of the ClientHello; {@link #startDirectTls} installs the TLS handler and feeds those
 *       bytes back into it.</li>
 * </ul>
 * Only TLSv1.2 and TLSv1.3 are ever enabled; ALPN advertises {@value #ALPN_POSTGRESQL}; unless configured
 * otherwise, only {@link #DEFAULT_CIPHERS} (TLS 1.3, and TLS 1.2 ECDHE with AEAD) are offered.
 *
 * <p>Towards backends the same in-band scheme runs the other way: the pool's client connects in plain
 * text, sends an SSLRequest, and on {@code S} calls {@link #upgradeToBackendTls}; the client's options come
 * from {@link #configureBackendClient}.
 */
public final class VertxTls {

    /** The ALPN protocol id PostgreSQL 17 registered and requires for direct TLS. */
    public static final String ALPN_POSTGRESQL = "postgresql";

    /** The protocol versions allowed at all (security checklist: TLS 1.2+ only). */
    public static final Set<String> ALLOWED_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    /** What {@code protocols} means when the configuration names none. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    /**
     * What {@code ciphers} means when the configuration names none, in order of preference: TLS 1.3's AEAD
     * suites and, for TLS 1.2, only ECDHE key exchange (forward secrecy) with an AEAD cipher (AES-GCM,
     * ChaCha20-Poly1305). Left out on purpose: CBC suites (padding-oracle and Lucky13-style attacks), SHA-1 MACs,
     * static RSA key exchange (no forward secrecy), finite-field DHE (slow, and weak groups in the wild). This is
     * Mozilla's "intermediate" list without DHE; every PostgreSQL client of the last decade (libpq with OpenSSL
     * 1.0.1+, pgJDBC on Java 8+) offers some of it. The engines' own defaults, used before, also offered
     * {@code TLS_ECDHE_*_WITH_AES_*_CBC_SHA} and {@code TLS_RSA_*}.
     */
    public static final List<String> DEFAULT_CIPHERS = ModernCipherSuites.ALL;

    /**
     * The TLS engine abandons a handshake that takes longer: it holds a connection slot and an engine.
     * A backstop only: the gateway cuts handshakes sooner, at {@code portcullis.listen.tls-handshake-timeout}
     * (default 10 s); this bounds that setting and anything else using these options.
     */
    public static final long HANDSHAKE_TIMEOUT_SECONDS = 60;

    /**
     * The name Vert.x 4.5 gives its TLS handler in the pipeline ({@code NetSocketImpl#upgradeToSsl}).
     * It may be an {@link SslHandler} or, with SNI, a handler that becomes one.
     */
    private static final String VERTX_SSL_HANDLER_NAME = "ssl";

    private VertxTls() {
    }

    /**
     * Prepares listener options for in-band TLS: {@code ssl=false}, the given certificate, exactly
     * the given protocol versions, ALPN {@value #ALPN_POSTGRESQL}, a handshake timeout.
     *
     * @param protocols a non-empty subset of {@link #ALLOWED_PROTOCOLS}; {@code null} or empty means
     *     {@link #DEFAULT_PROTOCOLS}
     * @throws IllegalArgumentException for a protocol outside {@link #ALLOWED_PROTOCOLS}
     */
    public static void configure(NetServerOptions options, TlsMaterial material, List<String> protocols) {
        configure(options, material, protocols, TlsEngine.JDK);
    }

    /**
     * As {@link #configure(NetServerOptions, TlsMaterial, List)} with the given engine.
     *
     * @param engine a resolved engine ({@link TlsEngine#resolve()})
     */
    public static void configure(NetServerOptions options, TlsMaterial material, List<String> protocols, TlsEngine engine) {
        configure(options, material, protocols, List.of(), engine);
    }

    /** {@link #DEFAULT_CIPHERS} that {@code engine} can negotiate. */
    public static List<String> defaultCiphers(TlsEngine engine) {
        Set<String> supported = engine.supportedCiphers();
        return DEFAULT_CIPHERS.stream().filter(supported::contains).toList();
    }

    /** {@code ciphers}, or the {@link #defaultCiphers} when there are none. */
    private static List<String> ciphersOrDefault(List<String> ciphers, TlsEngine engine) {
        return ciphers == null || ciphers.isEmpty() ? defaultCiphers(engine) : ciphers;
    }

    private static void configure(NetServerOptions options, TlsMaterial material, List<String> protocols,
                                  List<String> ciphers, TlsEngine engine) {
        ciphersOrDefault(ciphers, engine).forEach(options::addEnabledCipherSuite);
        options.setSsl(false)
                .setUseAlpn(true)
                .setSslEngineOptions(PostgresAlpnEngineOptions.forEngine(engine, List.of(ALPN_POSTGRESQL)))
                .setKeyCertOptions(keyCertOptions(material))
                .setEnabledSecureTransportProtocols(protocolSet(protocols))
                .setSslHandshakeTimeout(HANDSHAKE_TIMEOUT_SECONDS)
                .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
    }

    /**
     * Prepares listener options for the gateway: as {@link #configure(NetServerOptions, TlsMaterial, List, TlsEngine)}
     * with the state's certificate, protocols and ciphers, and client certificates requested
     * ({@link ClientAuth#REQUEST}) but checked after the handshake (see {@link DeferredClientTrust}).
     * Vert.x 4.5 cannot change {@code clientAuth} on a running listener, so it is always
     * {@code REQUEST}: a client CA and a {@code verify-*} mode can then be configured at any time.
     */
    public static NetServerOptions configure(NetServerOptions options, TlsState state, TlsEngine engine) {
        configure(options, state.material(), state.protocols(), state.ciphers(), engine);
        options.setKeyCertOptions(keyCertOptions(state));
        options.setClientAuth(ClientAuth.REQUEST).setTrustOptions(trustOptions(state));
        return options;
    }

    /**
     * The TLS options for a hot swap to {@code state} with {@link #swap(NetServer, TlsState)}. A state made by
     * {@link TlsAdministration} always lists its ciphers (the defaults resolved for its engine); an empty list here means
     * {@link #DEFAULT_CIPHERS} as they are, never the engine's own defaults.
     */
    public static SSLOptions sslOptions(TlsState state) {
        return sslOptions(state.material(), state.protocols(), state.ciphers().isEmpty() ? DEFAULT_CIPHERS : state.ciphers())
                .setKeyCertOptions(keyCertOptions(state))
                .setTrustOptions(trustOptions(state));
    }

    /**
     * Replaces certificate, protocols, ciphers and client CA of a listening server. New handshakes
     * use them as soon as the future completes; established connections keep what they negotiated.
     * On failure Vert.x keeps the previous options.
     */
    public static Future<Boolean> swap(NetServer server, TlsState state) {
        return server.updateSSLOptions(sslOptions(state));
    }

    /**
     * Builds a TLS engine from a state exactly as the listener would, without touching any listener,
     * so that a change can be refused before it is stored or applied. Blocking (a few ms).
     *
     * @throws CertificateMaterialException saying what the TLS engine refused
     */
    public static void check(TlsState state, TlsEngine engine) {
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(state.material().key(),
                            state.material().chain().toArray(X509Certificate[]::new))
                    .sslProvider(engine.provider())
                    .protocols(state.protocols())
                    .trustManager(new DeferredClientTrust(state.clientCa() == null ? List.of() : state.clientCa().certificates()));
            builder.ciphers(ciphersOrDefault(state.ciphers(), engine));
            builder.build().newEngine(ByteBufAllocator.DEFAULT);
            for (SniCertificate named : state.named()) {
                SslContextBuilder.forServer(named.material().key(), named.material().chain().toArray(X509Certificate[]::new))
                        .sslProvider(engine.provider()).protocols(state.protocols())
                        .ciphers(ciphersOrDefault(state.ciphers(), engine)).build().newEngine(ByteBufAllocator.DEFAULT);
            }
        } catch (SSLException | RuntimeException e) {
            throw new CertificateMaterialException("the TLS engine refuses these settings: " + e.getMessage(), e);
        }
    }

    /**
     * The certificate chain the client presented in the TLS handshake of {@code session}, its own certificate
     * first; empty for a plain connection (a null session) or a client that sent none.
     */
    public static List<X509Certificate> peerCertificates(SSLSession session) {
        if (session == null) {
            return List.of();
        }
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : session.getPeerCertificates()) {
                if (certificate instanceof X509Certificate x509) {
                    chain.add(x509);
                }
            }
            return chain;
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    /**
     * Loads and initialises the TLS machinery (JSSE classes or the OpenSSL library, the default trust store) with this
     * material, so that the first connection does not pay for it on an event loop. Vert.x builds its
     * TLS context lazily on the first upgrade; on a cold JVM that blocked an event loop for over a
     * second here, and for under 0.2 s after this call. Blocking: call it on a worker thread before
     * the listener starts.
     */
    public static void prewarm(TlsMaterial material, TlsEngine engine) {
        try {
            SslContextBuilder.forServer(material.key(), material.chain().toArray(X509Certificate[]::new))
                    .sslProvider(engine.provider())
                    .protocols(DEFAULT_PROTOCOLS)
                    .ciphers(defaultCiphers(engine))
                    .build()
                    .newEngine(ByteBufAllocator.DEFAULT);
        } catch (SSLException e) {
            throw new CertificateMaterialException("the TLS engine rejects this certificate: " + e.getMessage(), e);
        }
    }

    /**
     * The TLS options for a hot swap with {@link #swap}. ALPN and the engine come from the listener's
     * original options and cannot change on a swap; certificate, protocols and ciphers can (and must be given:
     * options without ciphers would fall back to the engine's own defaults).
     */
    private static SSLOptions sslOptions(TlsMaterial material, List<String> protocols, List<String> ciphers) {
        SSLOptions options = new SSLOptions()
                .setUseAlpn(true)
                .setKeyCertOptions(keyCertOptions(material))
                .setEnabledSecureTransportProtocols(protocolSet(protocols))
                .setSslHandshakeTimeout(HANDSHAKE_TIMEOUT_SECONDS)
                .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
        ciphers.forEach(options::addEnabledCipherSuite);
        return options;
    }

    /**
     * Replaces the certificate (and protocols) of a listening server, keeping {@link #defaultCiphers}.
     * Handshakes that start after the returned future completes use the new material; established
     * connections keep theirs.
     *
     * @return {@code true} if the options changed, {@code false} if they equal the current ones; fails
     *     (keeping the old options) if Vert.x cannot build a TLS context from them
     */
    public static Future<Boolean> swap(NetServer server, TlsMaterial material, List<String> protocols, TlsEngine engine) {
        return server.updateSSLOptions(sslOptions(material, protocols, defaultCiphers(engine)));
    }

    /**
     * Starts the server side of TLS after the proxy has written {@code S} in answer to an SSLRequest.
     * The future completes when the handshake does; decrypted bytes then reach the socket's handler.
     */
    public static Future<Void> upgradeAfterSslRequest(NetSocket socket) {
        return socket.upgradeToSsl();
    }

    /**
     * Starts direct TLS on a connection whose first bytes, {@code alreadyRead}, were a TLS record and
     * have already been consumed by the socket's data handler.
     *
     * <p>How: {@link NetSocket#upgradeToSsl()} puts a TLS handler at the head of the Netty pipeline
     * (synchronously when called on the event loop with nothing waiting to be written, which holds
     * here: the client spoke first and the server has written nothing). The consumed bytes are then
     * fired into the pipeline from its head, so they reach the TLS handler exactly as if they had just
     * arrived from the network; later bytes follow the same path. The future completes after the
     * handshake and after checking that the client negotiated ALPN {@value #ALPN_POSTGRESQL}, which
     * PostgreSQL requires for direct TLS to stop cross-protocol attacks; otherwise the socket is
     * closed and the future fails.
     *
     * <p>Call on the socket's event loop, from its data handler, after installing the handler that
     * should receive the decrypted startup packet. Pause no reads in between.
     */
    public static Future<Void> startDirectTls(NetSocket socket, Buffer alreadyRead) {
        return startDirectTls(socket, alreadyRead, null);
    }

    /**
     * As {@link #startDirectTls(NetSocket, Buffer)}; while a TLS-ALPN-01 challenge waits ({@code challenges}), the whole
     * ClientHello is read first, and an ACME validation is answered with its challenge certificate instead
     * ({@link TlsAlpnChallengeRouter}). The future then fails with {@link TlsAlpnChallengeAnswered}.
     *
     * @param challenges the challenges waiting, or null when there are none to answer
     */
    public static Future<Void> startDirectTls(NetSocket socket, Buffer alreadyRead, TlsAlpnChallenges challenges) {
        if (!(socket instanceof NetSocketInternal internal)) {
            return Future.failedFuture(new IllegalArgumentException(
                    "direct TLS needs a Vert.x NetSocket implementation, not " + socket.getClass().getName()));
        }
        ChannelHandlerContext context = internal.channelHandlerContext();
        if (!context.executor().inEventLoop()) {
            return Future.failedFuture(new IllegalStateException("startDirectTls must run on the socket's event loop"));
        }
        Future<Void> handshake = socket.upgradeToSsl();
        ChannelPipeline pipeline = context.pipeline();
        ChannelHandler tlsHandler = pipeline.get(VERTX_SSL_HANDLER_NAME);
        if (tlsHandler == null) {
            socket.close();
            return Future.failedFuture(new IllegalStateException(
                    "Vert.x did not install its TLS handler synchronously; direct TLS cannot start"));
        }
        TlsAlpnChallengeRouter router = null;
        if (challenges != null && challenges.waiting()) {
            router = new TlsAlpnChallengeRouter(challenges);
            pipeline.addBefore(VERTX_SSL_HANDLER_NAME, TlsAlpnChallengeRouter.NAME, router);
        }
        pipeline.fireChannelRead(Unpooled.wrappedBuffer(alreadyRead.getBytes()));
        pipeline.fireChannelReadComplete();
        if (router == null) {
            return handshake.compose(done -> requirePostgresAlpn(socket));
        }
        TlsAlpnChallengeRouter routed = router;
        return handshake.transform(ar -> routed.validation() != null ? Future.failedFuture(routed.validation())
                : ar.succeeded() ? requirePostgresAlpn(socket) : Future.failedFuture(ar.cause()));
    }

    /**
     * The ALPN protocol negotiated on a connection upgraded with this class, or {@code null} if the
     * client offered none. ({@link NetSocket#applicationLayerProtocol()} is fixed when the socket is
     * created and so is always {@code null} after an in-band upgrade.)
     */
    public static String negotiatedApplicationProtocol(NetSocket socket) {
        if (socket instanceof NetSocketInternal internal) {
            SslHandler handler = internal.channelHandlerContext().pipeline().get(SslHandler.class);
            return handler == null ? null : handler.applicationProtocol();
        }
        return socket.applicationLayerProtocol();
    }

    private static Future<Void> requirePostgresAlpn(NetSocket socket) {
        String protocol = negotiatedApplicationProtocol(socket);
        if (ALPN_POSTGRESQL.equals(protocol)) {
            return Future.succeededFuture();
        }
        Promise<Void> failed = Promise.promise();
        socket.close().onComplete(ignored -> failed.fail(new IllegalStateException(
                "direct TLS without ALPN '" + ALPN_POSTGRESQL + "' (client offered "
                        + (protocol == null ? "none" : "'" + protocol + "'") + "); the connection was closed")));
        return failed.future();
    }

    /** Vert.x's name for the endpoint identification of RFC 2818 (subjectAltName DNS and IP entries). */
    private static final String HOST_NAME_VERIFICATION = "HTTPS";

    /**
     * Prepares the options of a client whose connections may become TLS towards a backend with {@code profile}:
     * {@code ssl=false} (TLS starts after the backend answers the SSLRequest), the JDK engine, TLS 1.2 and 1.3
     * with {@link ModernCipherSuites}, the profile's trust (CA certificates, the JDK's trust store, or none for
     * prefer/require), host-name verification for verify-full and the client certificate if any.
     *
     * <p>Vert.x 4.5 sets trust and host-name verification per client, not per connection, hence one client per
     * profile (and per host: the SNI name is fixed in the client's TLS context on first use).
     */
    public static NetClientOptions configureBackendClient(NetClientOptions options, BackendTlsProfile profile) {
        options.setSsl(false)
                .setSslEngineOptions(new JdkSSLEngineOptions())
                .setEnabledSecureTransportProtocols(protocolSet(DEFAULT_PROTOCOLS))
                .setHostnameVerificationAlgorithm(profile.verifyHostName() ? HOST_NAME_VERIFICATION : "")
                .setSslHandshakeTimeout(HANDSHAKE_TIMEOUT_SECONDS)
                .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
        ModernCipherSuites.ALL.forEach(options::addEnabledCipherSuite);
        if (profile.ca() != null) {
            options.setTrustOptions(new PemTrustOptions()
                    .addCertValue(Buffer.buffer(profile.ca().pem().getBytes(StandardCharsets.US_ASCII))));
        } else if (profile.trustAll()) {
            options.setTrustAll(true);
        }
        if (profile.client() != null) {
            options.setKeyCertOptions(keyCertOptions(profile.client()));
        }
        return options;
    }

    /**
     * Starts the client side of TLS on a backend connection after the backend answered {@code S} to an
     * SSLRequest. Sends {@code host} as SNI unless it is an IP address (RFC 6066 allows only names); host-name
     * verification, when the client's options ask for it, checks the certificate against {@code host}.
     * The future completes when the handshake does.
     */
    public static Future<Void> upgradeToBackendTls(NetSocket socket, String host) {
        return socket.upgradeToSsl(isIpAddress(host) ? null : host);
    }

    private static boolean isIpAddress(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return NetUtil.isValidIpV4Address(bare) || NetUtil.isValidIpV6Address(bare);
    }

    private static TrustOptions trustOptions(TlsState state) {
        return TrustOptions.wrap(new DeferredClientTrust(
                state.clientCa() == null ? List.of() : state.clientCa().certificates()));
    }

    /**
     * The listener's certificates: the default one alone as Vert.x's PEM options (the path every listener without
     * named certificates keeps), or with named ones a key manager that picks by server name ({@link SniKeyCertOptions}).
     */
    private static KeyCertOptions keyCertOptions(TlsState state) {
        return state.named().isEmpty() ? keyCertOptions(state.material()) : new SniKeyCertOptions(state.material(), state.named());
    }

    private static PemKeyCertOptions keyCertOptions(TlsMaterial material) {
        return new PemKeyCertOptions()
                .setCertValue(Buffer.buffer(material.certificateChainPem().getBytes(StandardCharsets.US_ASCII)))
                .setKeyValue(Buffer.buffer(material.privateKeyPem().getBytes(StandardCharsets.US_ASCII)));
    }

    private static Set<String> protocolSet(List<String> protocols) {
        List<String> requested = protocols == null || protocols.isEmpty() ? DEFAULT_PROTOCOLS : protocols;
        Set<String> result = new LinkedHashSet<>();
        for (String protocol : requested) {
            if (!ALLOWED_PROTOCOLS.contains(protocol)) {
                throw new IllegalArgumentException("TLS protocol '" + protocol + "' is not allowed; use "
                        + String.join(" and/or ", DEFAULT_PROTOCOLS));
            }
            result.add(protocol);
        }
        return result;
    }
}
