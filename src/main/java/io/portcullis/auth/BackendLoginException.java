package io.portcullis.auth;

/**
 * Portcullis could not log in to a backend: it asked for a method we do not support, for a
 * password none is configured for, or it broke the protocol or failed to prove its identity. The
 * message names the cause precisely for the operator and never holds the password.
 */
public final class BackendLoginException extends Exception {

    private static final long serialVersionUID = 1L;

    public BackendLoginException(String message) {
        super(message);
    }

    public BackendLoginException(String message, Throwable cause) {
        super(message, cause);
    }
}
