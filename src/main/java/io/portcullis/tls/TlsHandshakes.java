package io.portcullis.tls;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLSession;

/**
 * The side of the client TLS the wire path uses: the handshake, with the listener's TLS context, after an
 * SSLRequest or a direct ClientHello, the negotiated session, the mode a starting client is held to, and
 * the checks of client certificates. Each reads the state {@link TlsAdministration} made live at that
 * moment (one volatile read), so a hot swap applies to the next handshake; nothing here changes it.
 */
@ApplicationScoped
public class TlsHandshakes {

    @Inject
    TlsAdministration live;
    @Inject
    TlsSettings settings;
    /** The TLS-ALPN-01 challenges waiting (the acme package provides them). */
    @Inject
    TlsAlpnChallenges challenges;

    private ClientCertUserSource userSource;
    /** The listener's TLS context: one for the process, whose content the administration replaces. */
    private ListenerTlsContext listenerContext;

    @PostConstruct
    void init() {
        userSource = ClientCertUserSource.of(settings.clientCertUserFrom());
        listenerContext = live.listenerContext();
    }

    /** The mode clients are held to now; read when a client starts up. */
    public ClientTlsMode mode() {
        return live.state().mode();
    }

    /** Starts TLS after the gateway answered 'S' to an SSLRequest. */
    public Future<Void> upgradeAfterSslRequest(NetSocket socket) {
        return VertxTls.upgradeAfterSslRequest(socket, listenerContext);
    }

    /**
     * Starts TLS on a socket whose first bytes (already read) were a ClientHello: PostgreSQL 17's direct TLS, or an ACME
     * CA validating a name by TLS-ALPN-01 (the future then fails with {@link TlsAlpnChallengeAnswered}).
     */
    public Future<Void> startDirectTls(NetSocket socket, Buffer alreadyRead) {
        return VertxTls.startDirectTls(socket, alreadyRead, listenerContext, challenges);
    }

    /**
     * Why the client certificate of a connection's TLS session (null: none) is not accepted under a {@code verify-*}
     * mode, or {@code null} when it is.
     */
    public String clientCertificateRefusal(SSLSession session) {
        return ClientCertificates.refusal(VertxTls.peerCertificates(session), live.state().clientCa(), live.clock().instant());
    }

    /**
     * Why the client certificate of a connection's TLS session (null: none) does not authenticate {@code userName}
     * ({@code "auth":"cert"}), or {@code null} when it does: it must be verified against the client
     * CA and name the user in its one CN (or its one SAN of the type {@code portcullis.tls.client-cert-user-from}
     * says).
     */
    public String certificateLoginRefusal(SSLSession session, String userName) {
        List<X509Certificate> chain = VertxTls.peerCertificates(session);
        String refusal = ClientCertificates.refusal(chain, live.state().clientCa(), live.clock().instant());
        if (refusal != null) {
            return refusal;
        }
        return ClientCertificates.userNameRefusal(chain.get(0), userSource, userName);
    }
}
