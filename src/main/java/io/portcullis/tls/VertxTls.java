package io.portcullis.tls;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.netty.util.NetUtil;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.impl.future.PromiseInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.NetSocketInternal;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The one place that touches Vert.x's TLS API, so that the move to Vert.x 5 (which reshapes it:
 * {@code ServerSSLOptions}, ALPN on the server options, a different upgrade path) is one file.
 *
 * <p>The listener has no TLS options of its own: every connection starts in plain text and becomes TLS, with the
 * listener's current context ({@link ListenerTlsContext}), in one of two ways, both on the same port.
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
     * The name of the TLS handler in a connection's pipeline: Vert.x's own, which its {@code upgradeToSsl} looks for,
     * so that nothing upgrades a connection twice.
     */
    private static final String TLS_HANDLER_NAME = "ssl";

    private VertxTls() {
    }

    /** {@link #DEFAULT_CIPHERS} that {@code engine} can negotiate. */
    public static List<String> defaultCiphers(TlsEngine engine) {
        Set<String> supported = engine.supportedCiphers();
        return DEFAULT_CIPHERS.stream().filter(supported::contains).toList();
    }

    /** {@code ciphers}, or the {@link #defaultCiphers} when there are none. */
    static List<String> ciphersOrDefault(List<String> ciphers, TlsEngine engine) {
        return ciphers == null || ciphers.isEmpty() ? defaultCiphers(engine) : ciphers;
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
     * Starts the server side of TLS with the listener's current context after the proxy has written {@code S} in
     * answer to an SSLRequest: once the {@code S} is out, in clear, the TLS handler goes to the head of the pipeline
     * (what Vert.x's own {@code upgradeToSsl} does, with its context). The future completes, on the socket's context,
     * when the handshake does; decrypted bytes then reach the socket's handler.
     *
     * <p>Call on the socket's event loop, from its data handler.
     */
    static Future<Void> upgradeAfterSslRequest(NetSocket socket, ListenerTlsContext tls) {
        if (!(socket instanceof ConnectionBase connection)) {
            return Future.failedFuture(new IllegalArgumentException(
                    "TLS needs a Vert.x NetSocket implementation, not " + socket.getClass().getName()));
        }
        PromiseInternal<Void> handshake = connection.getContext().promise();
        ChannelPromise flushed = connection.channelHandlerContext().newPromise();
        connection.flush(flushed);
        flushed.addListener(written -> {
            if (!written.isSuccess()) {
                handshake.tryFail(written.cause());
                return;
            }
            try {
                installTlsHandler(connection, tls, handshake);
            } catch (RuntimeException e) {
                socket.close();
                handshake.tryFail(e);
            }
        });
        return handshake.future();
    }

    /** Puts a TLS handler from {@code tls} at the head of the connection's pipeline; {@code handshake} completes with it. */
    private static void installTlsHandler(ConnectionBase connection, ListenerTlsContext tls, PromiseInternal<Void> handshake) {
        ChannelHandlerContext context = connection.channelHandlerContext();
        SslHandler handler = tls.newHandler(context.channel());
        handler.handshakeFuture().addListener(done -> {
            if (done.isSuccess()) {
                handshake.tryComplete();
            } else {
                handshake.tryFail(done.cause());
            }
        });
        context.pipeline().addFirst(TLS_HANDLER_NAME, handler);
    }

    /**
     * Starts direct TLS on a connection whose first bytes, {@code alreadyRead}, were a TLS record and
     * have already been consumed by the socket's data handler.
     *
     * <p>How: a TLS handler from the listener's current context goes to the head of the Netty pipeline (nothing waits
     * to be written: the client spoke first and the server has written nothing). The consumed bytes are then
     * fired into the pipeline from its head, so they reach the TLS handler exactly as if they had just
     * arrived from the network; later bytes follow the same path. The future completes after the
     * handshake and after checking that the client negotiated ALPN {@value #ALPN_POSTGRESQL}, which
     * PostgreSQL requires for direct TLS to stop cross-protocol attacks; otherwise the socket is
     * closed and the future fails. While a TLS-ALPN-01 challenge waits ({@code challenges}), the whole
     * ClientHello is read first, and an ACME validation is answered with its challenge certificate instead
     * ({@link TlsAlpnChallengeRouter}); the future then fails with {@link TlsAlpnChallengeAnswered}.
     *
     * <p>Call on the socket's event loop, from its data handler, after installing the handler that
     * should receive the decrypted startup packet. Pause no reads in between.
     *
     * @param challenges the challenges waiting, or null when there are none to answer
     */
    static Future<Void> startDirectTls(NetSocket socket, Buffer alreadyRead, ListenerTlsContext tls, TlsAlpnChallenges challenges) {
        if (!(socket instanceof ConnectionBase connection)) {
            return Future.failedFuture(new IllegalArgumentException(
                    "direct TLS needs a Vert.x NetSocket implementation, not " + socket.getClass().getName()));
        }
        ChannelHandlerContext context = connection.channelHandlerContext();
        if (!context.executor().inEventLoop()) {
            return Future.failedFuture(new IllegalStateException("startDirectTls must run on the socket's event loop"));
        }
        PromiseInternal<Void> handshake = connection.getContext().promise();
        try {
            installTlsHandler(connection, tls, handshake);
        } catch (RuntimeException e) {
            socket.close();
            return Future.failedFuture(e);
        }
        ChannelPipeline pipeline = context.pipeline();
        TlsAlpnChallengeRouter router = null;
        if (challenges != null && challenges.waiting()) {
            router = new TlsAlpnChallengeRouter(challenges);
            pipeline.addBefore(TLS_HANDLER_NAME, TlsAlpnChallengeRouter.NAME, router);
        }
        pipeline.fireChannelRead(Unpooled.wrappedBuffer(alreadyRead.getBytes()));
        pipeline.fireChannelReadComplete();
        if (router == null) {
            return handshake.future().compose(done -> requirePostgresAlpn(socket));
        }
        TlsAlpnChallengeRouter routed = router;
        return handshake.future().transform(ar -> routed.validation() != null ? Future.failedFuture(routed.validation())
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

    private static PemKeyCertOptions keyCertOptions(TlsMaterial material) {
        return new PemKeyCertOptions()
                .setCertValue(Buffer.buffer(material.certificateChainPem().getBytes(StandardCharsets.US_ASCII)))
                .setKeyValue(Buffer.buffer(material.privateKeyPem().getBytes(StandardCharsets.US_ASCII)));
    }

    static Set<String> protocolSet(List<String> protocols) {
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
