package io.portcullis.proxy;

import java.time.Instant;

/**
 * One client session as the admin console's {@code SHOW CLIENTS} and the REST API list it, taken
 * from the live session without stopping it (values may be a moment old).
 *
 * @param id              Portcullis's process id of the session (its BackendKeyData), what
 *                        {@code KILL_CLIENT} takes
 * @param user            the user it logged in as; null while the startup packet is still awaited
 * @param database        the database it asked for (the console's name for console sessions)
 * @param state           {@link #ACTIVE} (holds a server connection, or is a console session),
 *                        {@link #IDLE} (logged in, holds none), {@link #WAITING} (waits for one),
 *                        {@link #LOGIN} (still logging in)
 * @param requestTime     when its latest request went out (its connect time before any)
 * @param waitNanos       how long it has been waiting for a server connection, 0 unless waiting
 * @param tls             {@code protocol/cipher}, or empty without TLS
 * @param applicationName from the startup packet, or empty
 * @param serverId        the server connection it holds, -1 for none
 * @param console         whether this is an admin console session
 */
public record ClientInfo(int id, String user, String database, String state, String address, int port,
                         String localAddress, int localPort, Instant connectTime, Instant requestTime,
                         long waitNanos, String tls, String applicationName, long serverId, boolean console) {

    public static final String ACTIVE = "active";
    public static final String IDLE = "idle";
    public static final String WAITING = "waiting";
    public static final String LOGIN = "login";
}
