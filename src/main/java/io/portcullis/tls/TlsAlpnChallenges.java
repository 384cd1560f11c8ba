package io.portcullis.tls;

import java.util.concurrent.CompletionStage;

/**
 * The ACME TLS-ALPN-01 challenges (RFC 8737) waiting for their CA, as the wire listener needs them: whether any waits
 * (only then is a direct-TLS ClientHello looked into before its handshake) and the certificate that answers the one
 * for a name. Provided by the {@code acme} package, which knows the orders; asked on an event loop, so neither answer
 * may block (no key generation, no I/O on the caller's thread).
 */
public interface TlsAlpnChallenges {

    /** The ALPN protocol id of TLS-ALPN-01 (RFC 8737 §6.2); an ACME validation offers it alone. */
    String ALPN_ACME_TLS = "acme-tls/1";

    /** Whether a TLS-ALPN-01 challenge waits for the CA, on this replica or published by another sharing the store. */
    boolean waiting();

    /**
     * The certificate answering the challenge for {@code serverName} (lower case): completed with null when none waits
     * for that name, and later than asked when the certificate is still being made (another replica published the
     * challenge moments ago). Never completed on the caller's thread with work done there.
     */
    CompletionStage<TlsAlpnChallengeCertificate> certificateFor(String serverName);
}
