package io.portcullis.config;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * How a database looks up client users that are not Portcullis users in its backend (PgBouncer's {@code auth_user},
 * {@code auth_query}, {@code auth_dbname}): {@code query} runs with the client's user name as {@code $1} over a
 * connection of {@code user}, and the verifier it returns (a SCRAM-SHA-256 verifier or an md5 hash, as
 * {@code pg_authid.rolpassword} holds them) checks the client's proof. Such a client then logs in to the backend as
 * itself with what its proof gave away (SCRAM passthrough), never with a stored password.
 *
 * @param user           the backend user the lookup logs in as
 * @param sealedPassword its password sealed by {@link SecretBox} for {@link SecretBinding#backendPassword} with
 *                       {@code user} (the database's host and port), or null when the backend asks none
 * @param query          the lookup; returns one row of (user name, verifier), none for an unknown user
 * @param dbname         the database the lookup connects to, or null for the database's own {@code dbname}
 */
public record AuthLookup(String user, String sealedPassword, String query, String dbname) {

    /**
     * PgBouncer's default since 1.21: roles that cannot log in or whose password expired get no verifier. Reading
     * pg_authid needs a superuser; a SECURITY DEFINER function that returns the same columns is the usual way round.
     */
    public static final String DEFAULT_QUERY = "SELECT rolname, CASE WHEN rolvaliduntil < now() THEN NULL "
            + "ELSE rolpassword END FROM pg_authid WHERE rolname = $1 AND rolcanlogin";

    @JsonCreator
    public AuthLookup {
        query = query == null || query.isBlank() ? DEFAULT_QUERY : query;
    }

    public boolean hasPassword() {
        return sealedPassword != null && !sealedPassword.isEmpty();
    }

    /** Leaves the sealed password out. */
    @Override
    public String toString() {
        return "AuthLookup[" + user + ", passwordSet=" + hasPassword() + ", dbname=" + dbname + "]";
    }
}
