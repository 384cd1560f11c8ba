package io.portcullis.admin;

/**
 * An administrative action that cannot be carried out as asked. The console answers it with an
 * ErrorResponse, the REST API with 404 or 409 problem+json.
 */
public final class AdminException extends RuntimeException {

    /** Why the action failed. */
    public enum Kind {
        /** No database of that name (404; console 3D000). */
        UNKNOWN_DATABASE,
        /** No client session with that id (404; console 42704). */
        UNKNOWN_CLIENT,
        /** The database is not in the state the action needs, e.g. RESUME when not paused (409; console 55000). */
        WRONG_STATE
    }

    private final Kind kind;

    AdminException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static AdminException unknownDatabase(String name) {
        return new AdminException(Kind.UNKNOWN_DATABASE, "no such database: " + name);
    }
}
