package io.portcullis.wire;

/**
 * The SQLSTATE codes the gateway itself puts in the ErrorResponses it writes. Clients and drivers
 * branch on these (pgJDBC retries on 08xxx, poolers back off on 53300), so each one is chosen for
 * what the client should do next, not for what went wrong inside the gateway. Errors relayed from a
 * backend keep the backend's own code (QuestDB sends {@code 00000} for everything).
 */
public enum SqlState {
    /** Not an error: the code a NoticeResponse or a successful completion carries. */
    SUCCESSFUL_COMPLETION("00000"),
    /** Malformed or unexpected message from the client (bad length, bad startup packet, bad UTF-8). */
    PROTOCOL_VIOLATION("08P01"),
    /** The backend connection broke mid-session, or the backend could not be reached for a client already logged in. */
    CONNECTION_FAILURE("08006"),
    /** The backend could not be reached or refused our login while opening a server connection; the message names database, host and port. */
    SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION("08001"),
    /** A generic connection-level failure that fits none of the more specific 08xxx codes. */
    CONNECTION_EXCEPTION("08000"),
    /** Login not allowed: TLS required but not used, user not allowed on this database, certificate rejected. */
    INVALID_AUTHORIZATION_SPECIFICATION("28000"),
    /** Wrong password or failed SCRAM/md5 exchange with the client (same code for unknown users, to not reveal them). */
    INVALID_PASSWORD("28P01"),
    /** The database named in the startup packet is not configured on the gateway. */
    INVALID_CATALOG_NAME("3D000"),
    /** The client limit (global, per database/user or per client address) is reached. */
    TOO_MANY_CONNECTIONS("53300"),
    /** The gateway is shutting down, or an admin closed the connection (KILL, database removed). */
    ADMIN_SHUTDOWN("57P01"),
    /** A query was cancelled, or a client waited too long in the pool queue for a server connection. */
    QUERY_CANCELED("57014"),
    /** The client asked for something the gateway does not do (GSSAPI encryption, replication connections). */
    FEATURE_NOT_SUPPORTED("0A000"),
    /** A bug or unexpected state in the gateway; the message says so, never a stack trace. */
    INTERNAL_ERROR("XX000"),
    /** A configured limit other than the connection count was hit (e.g. pool wait queue full). */
    CONFIGURATION_LIMIT_EXCEEDED("53400"),
    /** The client was idle (or idle in a transaction) longer than the configured timeout and was disconnected. */
    IDLE_SESSION_TIMEOUT("57P05"),
    /** The client sat idle inside a transaction longer than the configured timeout (PostgreSQL's idle_in_transaction_session_timeout). */
    IDLE_IN_TRANSACTION_SESSION_TIMEOUT("25P03"),
    /** The gateway is starting or paused (admin PAUSE with a deadline) and cannot accept the login now. */
    CANNOT_CONNECT_NOW("57P03"),
    /** A Parse names a prepared statement the client already has (what PostgreSQL answers too, when the gateway answers for it). */
    DUPLICATE_PREPARED_STATEMENT("42P05"),
    /** A client's request exceeds a fixed size limit of the gateway (a prepared statement too long to remember). */
    PROGRAM_LIMIT_EXCEEDED("54000");

    private final String code;

    SqlState(String code) {
        this.code = code;
    }

    /** The five-character SQLSTATE as written in the ErrorResponse {@code C} field. */
    public String code() {
        return code;
    }
}
