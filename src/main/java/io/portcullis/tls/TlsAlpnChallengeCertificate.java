package io.portcullis.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/**
 * A TLS-ALPN-01 challenge certificate (RFC 8737 §3: self-signed, the name validated as its only subjectAltName, the
 * critical {@code acmeIdentifier} extension) with the TLS context that serves it: TLS 1.2 and 1.3 with
 * {@link ModernCipherSuites}, ALPN {@value TlsAlpnChallenges#ALPN_ACME_TLS} and nothing else, no client certificate.
 * Built once per challenge, off the event loop (the context takes milliseconds); the JDK engine always, as the
 * listener's engine is chosen for throughput and this one answers a handful of validations.
 */
public final class TlsAlpnChallengeCertificate {

    private final SslContext context;

    private TlsAlpnChallengeCertificate(SslContext context) {
        this.context = context;
    }

    /**
     * @throws CertificateMaterialException when the TLS engine refuses the key or certificate
     */
    public static TlsAlpnChallengeCertificate of(X509Certificate certificate, PrivateKey key) {
        try {
            SslContext context = SslContextBuilder.forServer(key, certificate)
                    .sslProvider(SslProvider.JDK)
                    .protocols(VertxTls.DEFAULT_PROTOCOLS)
                    .ciphers(VertxTls.defaultCiphers(TlsEngine.JDK))
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.FATAL_ALERT,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.FATAL_ALERT,
                            TlsAlpnChallenges.ALPN_ACME_TLS))
                    .build();
            return new TlsAlpnChallengeCertificate(context);
        } catch (SSLException | RuntimeException e) {
            throw new CertificateMaterialException("the TLS engine refuses the TLS-ALPN-01 certificate: " + e.getMessage(), e);
        }
    }

    SslContext context() {
        return context;
    }
}
