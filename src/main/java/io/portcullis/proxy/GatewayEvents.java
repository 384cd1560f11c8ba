package io.portcullis.proxy;

/**
 * Process-wide events of the wire gateway that belong to no database: TLS handshakes, failed
 * logins, cancel requests. Implemented outside this package (metrics); a CDI bean implementing it
 * is picked up by {@link GatewayServer}. Per-database traffic goes to the pool's
 * {@link io.portcullis.pool.DatabaseTraffic} instead.
 *
 * <p>Methods are called on event loops and must return at once. None receives a client address,
 * a user-supplied name or SQL: label values must stay few.
 */
public interface GatewayEvents {

    /** Reports nothing. */
    GatewayEvents NONE = new GatewayEvents() {
    };

    /**
     * A client connection was accepted, before anything is read from it.
     *
     * @param transport what carries it: TCP, or a WebSocket on the HTTP port
     */
    default void clientConnected(io.portcullis.net.ClientStream.Transport transport) {
    }

    /**
     * A TLS handshake ended.
     *
     * @param protocol the negotiated version ({@code TLSv1.3}), or {@code unknown} when it failed
     * @param succeeded whether the connection is now encrypted
     * @param nanos from the start of the handshake to its end
     */
    default void tlsHandshake(String protocol, boolean succeeded, long nanos) {
    }

    /**
     * A client's password exchange failed.
     *
     * @param reason a fixed, lower-case word: {@link io.portcullis.auth.AuthenticationFailure.Reason#publicName()}
     *     ({@code bad_credentials} for an unknown user and a wrong password alike, {@code malformed_message}, ...)
     *     or {@code unsupported_method}. Never tells an unknown user from a wrong password: metrics are public.
     */
    default void authenticationFailed(String reason) {
    }

    /**
     * A CancelRequest arrived.
     *
     * @param forwarded whether its key matched a session (and it went to that session's backend)
     */
    default void cancelRequest(boolean forwarded) {
    }

    /** {@link #serverNameRoute}: a database lists the client's TLS server name, and the client went there. */
    String SNI_ROUTED = "database";
    /** {@link #serverNameRoute}: the client sent a server name no database lists; its database name routed it. */
    String SNI_UNLISTED = "unlisted";
    /** {@link #serverNameRoute}: the client sent no server name (an address as host, or SNI off). */
    String SNI_NONE = "none";

    /**
     * A TLS client's startup packet was routed, by its server name or not: one of {@link #SNI_ROUTED},
     * {@link #SNI_UNLISTED}, {@link #SNI_NONE}. Never the name itself, which the client chooses.
     */
    default void serverNameRoute(String route) {
    }

    /** {@link #connectionRefused} reason: the client's address had {@code max-connections-per-address} open. */
    String TOO_MANY_FROM_ADDRESS = "max_connections_per_address";

    /**
     * A login's proof (password) was checked, after the login throttle let it: right or wrong, the client
     * waited this long for its answer because of back-off or other logins of its user or address in line.
     *
     * @param waited from the proof's arrival to its check; zero when nothing held it
     */
    default void loginThrottled(java.time.Duration waited) {
    }

    /**
     * A connection was refused before its startup packet was read.
     *
     * @param reason a fixed, lower-case word such as {@link #TOO_MANY_FROM_ADDRESS}
     */
    default void connectionRefused(String reason) {
    }
}
