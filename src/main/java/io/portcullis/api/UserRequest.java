package io.portcullis.api;

import io.portcullis.config.AuthMethod;
import io.portcullis.config.PoolMode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * Body of {@code PUT /api/v1/users/{name}}. The password is turned into a SCRAM-SHA-256 verifier
 * (or, for {@code md5} users, PostgreSQL's md5 hash) and then forgotten. A missing password keeps
 * the stored verifier as long as {@code auth} stays the same. {@code name} may be sent and must then match
 * the path; the read-only {@code passwordSet} is refused ({@link ReadOnlyFields}).
 */
@Schema(name = "UserRequest", description = "A client user of the gateway")
public record UserRequest(
        @Schema(description = "must equal the name in the path when sent", readOnly = true)
        String name,
        @Schema(writeOnly = true, description = "the user's password; stored only as a verifier. Required to "
                + "create a scram-sha-256 or md5 user or change its auth; leave out to keep the stored one; "
                + "not allowed for cert users")
        String password,
        @Schema(description = "how the user authenticates", defaultValue = "scram-sha-256")
        AuthMethod auth,
        @Schema(description = "databases the user may use; empty = all")
        List<String> databases,
        @Schema(description = "may use the admin console", defaultValue = "false")
        Boolean admin,
        @Schema(readOnly = true, description = "shown on reads; a write that sends it is refused (400)")
        Boolean passwordSet,
        @Schema(description = "pool mode of this user's sessions, overriding their database's; null = the database's")
        PoolMode poolMode,
        @Schema(description = "this user's clients served at once, more get 53300 at login; 0 = no limit "
                + "(PgBouncer max_user_client_connections)", defaultValue = "0")
        Integer maxClientConnections,
        @Schema(description = "server connections this user's clients hold at once across all databases; beyond it they "
                + "wait up to queryWaitTimeout, then get 53300; 0 = no limit (PgBouncer max_user_connections)", defaultValue = "0")
        Integer maxUserConnections) {

    static final int MAX_PASSWORD_LENGTH = 1024;

    AuthMethod authOrDefault() {
        return auth == null ? AuthMethod.SCRAM_SHA_256 : auth;
    }

    /** @throws ApiProblem 400 for a name contradicting the path, a password that cannot be used or a read-only field */
    void check(String pathName) {
        ReadOnlyFields.refuse("passwordSet", passwordSet, "send \"password\" to set or change the password");
        if (name != null && !name.equals(pathName)) {
            throw ApiProblem.badRequest("name '" + name + "' in the body does not match '" + pathName
                    + "' in the path; a user cannot be renamed");
        }
        if (password == null) {
            return;
        }
        if (authOrDefault() == AuthMethod.CERT) {
            throw ApiProblem.badRequest("password is not used with auth cert (the client certificate is the credential)");
        }
        if (password.isEmpty()) {
            throw ApiProblem.badRequest("password must not be empty");
        }
        if (password.length() > MAX_PASSWORD_LENGTH) {
            throw ApiProblem.badRequest("password must be at most " + MAX_PASSWORD_LENGTH + " characters");
        }
    }
}
