package io.portcullis.pool;

import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.SettingDurations;
import io.portcullis.wire.SqlState;

import java.time.Duration;

/**
 * A server connection could not be had. The message names the database and the backend's address
 * so that a person reading the client's error knows where to look.
 */
public final class BackendUnavailable extends RuntimeException {

    private final SqlState sqlState;

    private BackendUnavailable(SqlState sqlState, String message, Throwable cause) {
        super(message, cause, false, false);
        this.sqlState = sqlState;
    }

    static BackendUnavailable connect(DatabaseConfig db, Throwable cause) {
        String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new BackendUnavailable(SqlState.CONNECTION_FAILURE,
                "could not connect to the backend of database \"" + db.name() + "\" at " + db.backendAddress() + ": " + why,
                cause);
    }

    static BackendUnavailable refused(DatabaseConfig db, String why) {
        return new BackendUnavailable(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                "the backend of database \"" + db.name() + "\" at " + db.backendAddress() + " refused the login: " + why,
                null);
    }

    /**
     * TLS with the backend could not be had: it refused TLS although serverTls requires it, or the handshake
     * failed (unknown CA, host name mismatch, expired certificate...). {@code why} says which, in words.
     */
    static BackendUnavailable tls(DatabaseConfig db, String why) {
        return new BackendUnavailable(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                "TLS with the backend of database \"" + db.name() + "\" at " + db.backendAddress() + " failed (serverTls "
                        + db.serverTls().wireName() + "): " + why,
                null);
    }

    /**
     * serverLoginRetry: a login to this backend failed less than {@code retry} ago, so no new attempt is made;
     * the client gets that failure's SQLSTATE and message.
     */
    static BackendUnavailable notRetried(Throwable recent, Duration retry) {
        SqlState state = recent instanceof BackendUnavailable b ? b.sqlState : SqlState.CONNECTION_FAILURE;
        return new BackendUnavailable(state, recent.getMessage() + " (not tried again within serverLoginRetry "
                + SettingDurations.format(retry) + " of that failure)", recent);
    }

    static BackendUnavailable poolTimeout(String database, long waitedSeconds, int poolSize) {
        return new BackendUnavailable(SqlState.TOO_MANY_CONNECTIONS,
                "no server connection for database \"" + database + "\" became free within " + waitedSeconds
                        + " s (pool size " + poolSize + ")",
                null);
    }

    static BackendUnavailable userLimit(String user, long waitedSeconds, int maxUserConnections) {
        return new BackendUnavailable(SqlState.TOO_MANY_CONNECTIONS,
                "no server connection for user \"" + user + "\" became free within " + waitedSeconds
                        + " s: its clients already hold " + maxUserConnections + " (maxUserConnections)",
                null);
    }

    static BackendUnavailable gone(String database) {
        return new BackendUnavailable(SqlState.INVALID_CATALOG_NAME,
                "database \"" + database + "\" was removed", null);
    }

    /** An administrator killed the database's connections (admin console {@code KILL}, REST {@code kill}). */
    static BackendUnavailable killed(String database) {
        return new BackendUnavailable(SqlState.ADMIN_SHUTDOWN,
                "terminating connection due to administrator command: the connections of database \""
                        + database + "\" were killed", null);
    }

    public SqlState sqlState() {
        return sqlState;
    }
}
