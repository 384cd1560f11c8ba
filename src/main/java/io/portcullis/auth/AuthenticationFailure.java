package io.portcullis.auth;

import java.util.Objects;

/**
 * A client failed to authenticate. The message says why, for the operator's log; it never holds
 * a password, a proof or verifier material. The client must not learn the reason: whatever it is,
 * the proxy answers with {@link #clientMessage(String)}, so an unknown user, a user without a
 * verifier and a wrong password look the same from outside.
 *
 * <p>Failed logins are expected traffic (and an attacker can cause many), so this exception does
 * not fill in a stack trace.
 */
public final class AuthenticationFailure extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why the exchange failed; for logs and metrics only, never for the client. */
    public enum Reason {
        /** The client's message does not follow the SCRAM grammar (or is not UTF-8). */
        MALFORMED_MESSAGE,
        /** Channel binding ('p'), an authorization identity or a mandatory extension was asked for. */
        UNSUPPORTED_FEATURE,
        /** The nonce in client-final is not the one the server sent. */
        NONCE_MISMATCH,
        /** The proof (or md5 response) does not match the stored verifier. */
        WRONG_PASSWORD,
        /** The user does not exist or has no verifier usable for this method; a mock exchange ran. */
        UNKNOWN_USER;

        /**
         * The name this reason may have where anyone can read it (metrics on the unauthenticated
         * {@code /q/metrics}): {@code bad_credentials} for both an unknown user and a wrong password, which
         * must look the same from outside; the others in lower case. Only the log tells the two apart.
         */
        public String publicName() {
            return this == WRONG_PASSWORD || this == UNKNOWN_USER ? BAD_CREDENTIALS : name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** {@link Reason#publicName()} of an unknown user and of a wrong password alike. */
    public static final String BAD_CREDENTIALS = "bad_credentials";

    private final Reason reason;

    public AuthenticationFailure(Reason reason, String logMessage) {
        super(logMessage, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    /** The one text every failing client gets, as PostgreSQL words it (SQLSTATE 28P01). */
    public static String clientMessage(String user) {
        return "password authentication failed for user \"" + user + "\"";
    }
}
