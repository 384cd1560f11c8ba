package io.portcullis.tls;

/**
 * Refuses client-initiated TLS renegotiation (TLS 1.2; TLS 1.3 has none). A renegotiation lets a
 * client make the server redo the expensive half of a handshake as often as it likes on one
 * connection (a CPU exhaustion attack no connection limit sees), and the gateway has no use for it:
 * it never asks for a client certificate later in a session.
 *
 * <p>The JDK's TLS engine, which Vert.x uses here, accepts client renegotiation unless the system
 * property {@value #PROPERTY} is {@code true}; it reads the property once, when its server handshake
 * code first loads. So it is set at the very start of the process ({@code PortcullisMain}) and again
 * before the wire listener starts (dev mode and tests, where that entry point does not run).
 */
public final class TlsRenegotiation {

    /** The JDK (SunJSSE) switch, read once per JVM. */
    public static final String PROPERTY = "jdk.tls.rejectClientInitiatedRenegotiation";

    private TlsRenegotiation() {
    }

    /**
     * Sets {@value #PROPERTY} to {@code true} unless the operator set it explicitly (to either value) on
     * the command line. Only effective before the first server-side TLS handshake of the JVM.
     */
    public static void refuseClientInitiated() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, "true");
        }
    }
}
