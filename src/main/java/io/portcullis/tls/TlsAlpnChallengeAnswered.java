package io.portcullis.tls;

/**
 * How a direct-TLS handshake ends that was an ACME CA validating a name by TLS-ALPN-01 (answered, or closed because no
 * challenge waits for the name): no client, no failed client handshake.
 */
public final class TlsAlpnChallengeAnswered extends Exception {

    private final String serverName;
    private final boolean answered;

    TlsAlpnChallengeAnswered(String serverName, boolean answered) {
        super("an ACME TLS-ALPN-01 validation" + (answered ? ", answered by its challenge certificate"
                : ", closed: no challenge waits for that name"), null, false, false);
        this.serverName = serverName;
        this.answered = answered;
    }

    /** The name validated (as the CA sent it, lower case), or null when the hello named none. */
    public String serverName() {
        return serverName;
    }

    /** Whether the challenge certificate was shown; false when no challenge waited for the name. */
    public boolean answered() {
        return answered;
    }
}
