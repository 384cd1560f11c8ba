package io.portcullis.tls;

import java.net.Socket;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The listener's trust manager for client certificates: it accepts any chain during the handshake
 * and leaves the verdict to {@link ClientCertificates#verify}, after the handshake.
 *
 * <p>Why: a handshake refused by the trust manager ends in a TLS alert the client reports as a
 * bare "handshake failure"; deciding afterwards lets the gateway answer a PostgreSQL
 * {@code ErrorResponse 28000} that says what is wrong with the certificate. It also lets the client
 * CA and the mode change live without rebuilding anything but the TLS context. Possession of the
 * certificate's private key is still proven by the handshake itself (CertificateVerify), whatever
 * the trust manager says. The configured CAs are advertised in the CertificateRequest so that
 * clients holding several certificates pick the right one.
 */
final class DeferredClientTrust extends X509ExtendedTrustManager {

    private final X509Certificate[] acceptedIssuers;

    DeferredClientTrust(List<X509Certificate> caCertificates) {
        this.acceptedIssuers = caCertificates.toArray(X509Certificate[]::new);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        // Verified after the handshake by ClientCertificates.verify.
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        // Verified after the handshake by ClientCertificates.verify.
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // Verified after the handshake by ClientCertificates.verify.
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        throw new UnsupportedOperationException("the gateway's listener never checks server certificates");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        throw new UnsupportedOperationException("the gateway's listener never checks server certificates");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
        throw new UnsupportedOperationException("the gateway's listener never checks server certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return acceptedIssuers.clone();
    }
}
