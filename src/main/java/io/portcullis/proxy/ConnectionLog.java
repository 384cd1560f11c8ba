package io.portcullis.proxy;

import io.portcullis.net.ClientStream;
import io.portcullis.log.LogText;
import io.portcullis.wire.SqlState;
import io.vertx.core.net.SocketAddress;
import org.jboss.logging.Logger;

/**
 * One log line per client connection lifecycle event, under the category {@value #CATEGORY} so that
 * operators can turn them down without losing other logs: {@code connect}, {@code login ok},
 * {@code login failed}, {@code disconnect} (with duration and bytes each way).
 *
 * <p>Lines are {@code key=value} pairs. Names a client chose (database, user) are quoted with control
 * and line-breaking characters escaped and length capped ({@link LogText#quote}), so a crafted startup
 * packet cannot forge log lines. No
 * password, proof, token or key is ever passed here: the failure text is the one the client gets.
 */
final class ConnectionLog {

    static final String CATEGORY = "io.portcullis.connections";
    /** Longer client-chosen names are cut here: enough for any real name, bounded for a hostile one. */
    static final int MAX_NAME_LENGTH = LogText.MAX_QUOTED_LENGTH;

    private static final Logger LOG = Logger.getLogger(CATEGORY);

    private ConnectionLog() {
    }

    static void connected(SocketAddress client, ClientStream.Transport transport) {
        LOG.infof("connect client=%s transport=%s", client, transport.label());
    }

    static void loginSucceeded(SocketAddress client, String database, String user, String tls) {
        LOG.infof("login ok client=%s database=%s user=%s tls=%s", client, quote(database), quote(user), tls);
    }

    static void loginFailed(SocketAddress client, String database, String user, String tls, SqlState code,
                            String reason) {
        loginFailed(client, database, user, tls, code, reason, null);
    }

    /**
     * @param reason what the client was told
     * @param detail what only the operator may learn (an unknown user rather than a wrong password, a client
     *               that left before its answer), or null
     */
    static void loginFailed(SocketAddress client, String database, String user, String tls, SqlState code,
                            String reason, String detail) {
        LOG.infof("login failed client=%s database=%s user=%s tls=%s sqlstate=%s reason=%s%s", client,
                quote(database), quote(user), tls, code.code(), quote(reason),
                detail == null ? "" : " detail=" + quote(detail));
    }

    static void disconnected(SocketAddress client, String database, String user, String tls, long durationMillis,
                             long bytesFromClient, long bytesToClient) {
        LOG.infof("disconnect client=%s database=%s user=%s tls=%s duration_ms=%d bytes_in=%d bytes_out=%d", client,
                quote(database), quote(user), tls, durationMillis, bytesFromClient, bytesToClient);
    }

    /** {@link LogText#quote}: {@code "name"} escaped and capped; {@code -} for none. */
    static String quote(String value) {
        return LogText.quote(value);
    }
}
