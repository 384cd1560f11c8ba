package io.portcullis.admin;

/**
 * A command the console refuses or cannot carry out; the session answers with an ErrorResponse
 * (severity ERROR) and goes on. The SQLSTATEs are PostgreSQL's, chosen for what the client should do.
 */
final class ConsoleError extends RuntimeException {

    /** Not a command the console knows, or wrong arguments. */
    static final String SYNTAX_ERROR = "42601";
    /** The extended query protocol, or a SET the console does not take. */
    static final String FEATURE_NOT_SUPPORTED = "0A000";
    /** No such database. */
    static final String UNDEFINED_DATABASE = "3D000";
    /** No such client session. */
    static final String UNDEFINED_OBJECT = "42704";
    /** The database is not in the state the command needs (RESUME without PAUSE). */
    static final String WRONG_STATE = "55000";
    /** A SET value that does not parse or is out of bounds. */
    static final String INVALID_PARAMETER_VALUE = "22023";

    private final String sqlState;

    ConsoleError(String sqlState, String message) {
        super(message, null, false, false);
        this.sqlState = sqlState;
    }

    String sqlState() {
        return sqlState;
    }

    static ConsoleError syntax(String message) {
        return new ConsoleError(SYNTAX_ERROR, message);
    }
}
