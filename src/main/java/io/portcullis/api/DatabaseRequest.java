package io.portcullis.api;

import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.PoolMode;
import io.portcullis.config.ServerTls;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code PUT /api/v1/databases/{name}}: the whole resource (fields left out take their
 * defaults), except that a missing {@code password} keeps the stored one. {@code name} and
 * {@code passwordSet} are accepted so a client can send back what it read; {@code name} must then
 * match the path and {@code passwordSet} is ignored.
 */
@Schema(name = "DatabaseRequest", description = "A database clients connect to by name, and its backend")
public record DatabaseRequest(
        @Schema(description = "must equal the name in the path when sent", readOnly = true)
        String name,
        @Schema(required = true, description = "backend host", example = "questdb.internal")
        String host,
        @Schema(required = true, description = "backend port, 1-65535", example = "8812")
        Integer port,
        @Schema(description = "database name sent to the backend; defaults to the name in the path")
        String dbname,
        @Schema(required = true, description = "user Portcullis logs in to the backend as", example = "admin")
        String user,
        @Schema(writeOnly = true, description = "backend password, stored encrypted and never returned; "
                + "leave out to keep the stored one, send \"\" to remove it")
        String password,
        @Schema(description = "TLS towards the backend", defaultValue = "disable")
        ServerTls serverTls,
        @Schema(description = "when server connections go back to the pool", defaultValue = "session")
        PoolMode poolMode,
        @Schema(description = "server connections per pool, 1-10000", defaultValue = "20")
        Integer poolSize,
        @Schema(description = "server connections kept open while idle, at most poolSize", defaultValue = "0")
        Integer minPoolSize,
        @Schema(description = "extra connections lent to clients that waited too long", defaultValue = "0")
        Integer reservePoolSize,
        @Schema(description = "cap on server connections to this database, 0 = none", defaultValue = "0")
        Integer maxDbConnections,
        @Schema(readOnly = true, description = "ignored on writes")
        Boolean passwordSet) {

    /** Longer passwords are refused; no backend accepts anything near this. */
    static final int MAX_PASSWORD_LENGTH = 1024;

    /**
     * The stored form.
     *
     * @param sealedPassword the sealed password to store (already decided: new, kept or none)
     * @throws ApiProblem 400 when a required field is missing or {@code name} contradicts the path
     */
    DatabaseConfig toConfig(String pathName, String sealedPassword) {
        if (name != null && !name.equals(pathName)) {
            throw ApiProblem.badRequest("name '" + name + "' in the body does not match '" + pathName
                    + "' in the path; a database cannot be renamed");
        }
        if (host == null) {
            throw ApiProblem.badRequest("host is required");
        }
        if (port == null) {
            throw ApiProblem.badRequest("port is required");
        }
        if (user == null) {
            throw ApiProblem.badRequest("user is required");
        }
        return new DatabaseConfig(pathName, host, port, dbname == null ? pathName : dbname, user, sealedPassword,
                serverTls == null ? ServerTls.DISABLE : serverTls,
                poolMode == null ? PoolMode.SESSION : poolMode,
                poolSize == null ? DatabaseConfig.DEFAULT_POOL_SIZE : poolSize,
                minPoolSize == null ? 0 : minPoolSize,
                reservePoolSize == null ? 0 : reservePoolSize,
                maxDbConnections == null ? 0 : maxDbConnections);
    }

    /** @throws ApiProblem 400 when the password is too long */
    void checkPassword() {
        if (password != null && password.length() > MAX_PASSWORD_LENGTH) {
            throw ApiProblem.badRequest("password must be at most " + MAX_PASSWORD_LENGTH + " characters");
        }
    }
}
