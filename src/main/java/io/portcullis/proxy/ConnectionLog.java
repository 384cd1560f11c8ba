package io.portcullis.proxy;

import io.portcullis.wire.SqlState;
import io.vertx.core.net.SocketAddress;
import org.jboss.logging.Logger;

/**
 * One log line per client connection lifecycle event, under the category {@value #CATEGORY} so that
 * operators can turn them down without losing other logs: {@code connect}, {@code login ok},
 * {@code login failed}, {@code disconnect} (with duration and bytes each way).
 *
 * <p>Lines are {@code key=value} pairs. Names a client chose (database, user) are quoted with control
 * characters escaped and length capped, so a crafted startup packet cannot forge log lines. No
 * password, proof, token or key is ever passed here: the failure text is the one the client gets.
 */
final class ConnectionLog {

    static final String CATEGORY = "io.portcullis.connections";
    /** Longer client-chosen names are cut here: enough for any real name, bounded for a hostile one. */
    static final int MAX_NAME_LENGTH = 128;

    private static final Logger LOG = Logger.getLogger(CATEGORY);

    private ConnectionLog() {
    }

    static void connected(SocketAddress client) {
        LOG.infof("connect client=%s", client);
    }

    static void loginSucceeded(SocketAddress client, String database, String user, String tls) {
        LOG.infof("login ok client=%s database=%s user=%s tls=%s", client, quote(database), quote(user), tls);
    }

    static void loginFailed(SocketAddress client, String database, String user, String tls, SqlState code,
                            String reason) {
        LOG.infof("login failed client=%s database=%s user=%s tls=%s sqlstate=%s reason=%s", client,
                quote(database), quote(user), tls, code.code(), quote(reason));
    }

    static void disconnected(SocketAddress client, String database, String user, String tls, long durationMillis,
                             long bytesFromClient, long bytesToClient) {
        LOG.infof("disconnect client=%s database=%s user=%s tls=%s duration_ms=%d bytes_in=%d bytes_out=%d", client,
                quote(database), quote(user), tls, durationMillis, bytesFromClient, bytesToClient);
    }

    /** {@code "name"} with quotes, backslashes and control characters escaped; {@code -} for none. */
    static String quote(String value) {
        if (value == null) {
            return "-";
        }
        String capped = value.length() > MAX_NAME_LENGTH ? value.substring(0, MAX_NAME_LENGTH) + "..." : value;
        StringBuilder out = new StringBuilder(capped.length() + 2).append('"');
        for (int i = 0; i < capped.length(); i++) {
            char c = capped.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
