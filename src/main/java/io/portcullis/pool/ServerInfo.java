package io.portcullis.pool;

import java.time.Instant;

/**
 * One server connection as the admin console's {@code SHOW SERVERS} and the REST API list it.
 *
 * @param id               the connection's number, unique in this process
 * @param user             the backend user the connection is logged in as
 * @param state            {@code active} (lent to a client), {@code idle}, or {@code used} (returned,
 *                         its hand-over still running)
 * @param host             backend host
 * @param port             backend port
 * @param localAddress     our end of the connection
 * @param lastUsed         when it last went back to the pool (its login time if never)
 * @param closeNeeded      it closes when it comes back (RECONNECT, KILL, PAUSE), never lent again
 * @param backendProcessId the backend's process id from its BackendKeyData
 * @param tls              {@code protocol/cipher} when the connection is encrypted, else empty
 */
public record ServerInfo(long id, String database, String user, String state, String host, int port,
                         String localAddress, int localPort, Instant connectTime, Instant lastUsed,
                         boolean closeNeeded, int backendProcessId, String tls) {

    public static final String ACTIVE = "active";
    public static final String IDLE = "idle";
    public static final String USED = "used";
}
