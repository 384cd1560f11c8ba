package io.portcullis.tls;

/**
 * How a direct-TLS handshake ends that was an ACME CA validating a name by TLS-ALPN-01 (answered, or closed because no
 * challenge waits for the name): no client, no failed client handshake.
 */
public final class TlsAlpnChallengeAnswered extends Exception {

    TlsAlpnChallengeAnswered() {
        super("an ACME TLS-ALPN-01 validation, answered by its challenge certificate", null, false, false);
    }
}
