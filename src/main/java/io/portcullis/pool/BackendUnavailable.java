package io.portcullis.pool;

import io.portcullis.config.BackendHost;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.SettingDurations;
import io.portcullis.config.TargetSessionAttrs;
import io.portcullis.wire.SqlState;

import java.time.Duration;
import java.util.List;

/**
 * A server connection could not be had. The message names the database and the backend's address
 * so that a person reading the client's error knows where to look.
 */
public final class BackendUnavailable extends RuntimeException {

    private final SqlState sqlState;
    /** The host logged in but is not what targetSessionAttrs asks for (prefer-standby tries it again as any). */
    private final boolean mismatch;
    /** Why, without the database's name: one item of the list an all-hosts failure gives. */
    private final String reason;

    private BackendUnavailable(SqlState sqlState, String message, Throwable cause) {
        this(sqlState, message, cause, false, message);
    }

    private BackendUnavailable(SqlState sqlState, String message, Throwable cause, boolean mismatch, String reason) {
        super(message, cause, false, false);
        this.sqlState = sqlState;
        this.mismatch = mismatch;
        this.reason = reason;
    }

    static BackendUnavailable connect(DatabaseConfig db, BackendHost at, Throwable cause) {
        String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new BackendUnavailable(SqlState.CONNECTION_FAILURE,
                "could not connect to the backend of database \"" + db.name() + "\" at " + at + ": " + why,
                cause, false, at + ": could not connect: " + why);
    }

    static BackendUnavailable refused(DatabaseConfig db, String why) {
        return new BackendUnavailable(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                "the backend of database \"" + db.name() + "\" at " + db.backendAddress() + " refused the login: " + why,
                null);
    }

    static BackendUnavailable refused(DatabaseConfig db, BackendHost at, String why) {
        return new BackendUnavailable(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                "the backend of database \"" + db.name() + "\" at " + at + " refused the login: " + why,
                null, false, at + ": refused the login: " + why);
    }

    /**
     * TLS with the backend could not be had: it refused TLS although serverTls requires it, or the handshake
     * failed (unknown CA, host name mismatch, expired certificate...). {@code why} says which, in words.
     */
    static BackendUnavailable tls(DatabaseConfig db, BackendHost at, String why) {
        return new BackendUnavailable(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                "TLS with the backend of database \"" + db.name() + "\" at " + at + " failed (serverTls "
                        + db.serverTls().wireName() + "): " + why,
                null, false, at + ": TLS failed: " + why);
    }

    /** The host logged in but is not what {@code wanted} asks for; {@code why} says what it is. */
    static BackendUnavailable mismatch(DatabaseConfig db, BackendHost at, TargetSessionAttrs wanted, String why) {
        return new BackendUnavailable(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                "the backend of database \"" + db.name() + "\" at " + at + " does not match targetSessionAttrs="
                        + wanted.wireName() + ": " + why,
                null, true, at + ": " + why);
    }

    /**
     * No host of a database with a host list (or with targetSessionAttrs) gave a usable connection. With one host
     * and no target attributes the client gets that host's own failure instead (as before host lists).
     *
     * @param failures one per attempt, in the order tried
     */
    static BackendUnavailable noHost(DatabaseConfig db, TargetSessionAttrs wanted, List<BackendUnavailable> failures) {
        boolean allUnreachable = failures.stream().allMatch(f -> f.sqlState == SqlState.CONNECTION_FAILURE);
        String what = wanted == TargetSessionAttrs.ANY
                ? "no host of database \"" + db.name() + "\" could be used"
                : "no host of database \"" + db.name() + "\" matched targetSessionAttrs=" + wanted.wireName();
        StringBuilder message = new StringBuilder(what).append(" (tried ").append(db.backendAddress()).append("): ");
        for (int i = 0; i < failures.size(); i++) {
            message.append(i == 0 ? "" : "; ").append(failures.get(i).reason);
        }
        return new BackendUnavailable(allUnreachable ? SqlState.CONNECTION_FAILURE
                : SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION, message.toString(),
                failures.isEmpty() ? null : failures.get(failures.size() - 1));
    }

    boolean isMismatch() {
        return mismatch;
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

    /** The database's user lookup (authQuery) gave no answer to go by; says why, never a verifier. */
    static BackendUnavailable lookupFailed(String database, String why) {
        return new BackendUnavailable(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                "the user lookup (authQuery) in the backend of database \"" + database + "\" failed: " + why, null);
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
