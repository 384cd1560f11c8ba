package io.portcullis.api;

import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.PoolMode;
import io.portcullis.config.ServerTls;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * Body of {@code PUT /api/v1/databases/{name}}: the whole resource (fields left out take their
 * defaults), except that a missing {@code password} keeps the stored one (not when host, port or user
 * change: the password must then be sent again) and a missing {@code serverKey} keeps the stored key of
 * an unchanged {@code serverCertificate} (not when host or port change). {@code name} may be sent and must
 * then match the path; the read-only {@code passwordSet}, {@code serverKeySet} and {@code disabledReason} are refused
 * ({@link ReadOnlyFields}). A database waiting for its backend credentials (imported without {@code user=}) is put in
 * service by the first such write: it always carries the required {@code user}.
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
        @Schema(description = "TLS towards the backend, with libpq's sslmode meanings: disable (plain TCP), prefer (TLS "
                + "when the backend offers it, else plain; certificate not checked), require (TLS or fail; certificate "
                + "checked only against serverCa when set), verify-ca (certificate must chain to serverCa or the default "
                + "CA), verify-full (verify-ca and the certificate must be issued for host)", defaultValue = "disable")
        ServerTls serverTls,
        @Schema(description = "PEM CA certificates the backend's certificate must chain to (require, verify-ca, "
                + "verify-full); without it verify-ca and verify-full use portcullis.server-tls.ca-file")
        String serverCa,
        @Schema(description = "PEM client certificate (and its chain) for a backend that asks for one")
        String serverCertificate,
        @Schema(writeOnly = true, description = "PEM private key of serverCertificate, stored encrypted and never "
                + "returned; leave out to keep the stored one, send \"\" to remove it")
        String serverKey,
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
        @Schema(description = "TLS server names (SNI) that route a client here whatever database name it sent: "
                + "host names, any case, each listed by one database at most; the user must still be allowed this "
                + "database", example = "[\"analytics.example.com\"]")
        List<String> sniHostnames,
        @Schema(readOnly = true, description = "shown on reads; a write that sends it is refused (400)")
        Boolean passwordSet,
        @Schema(readOnly = true, description = "shown on reads; a write that sends it is refused (400)")
        Boolean serverKeySet,
        @Schema(readOnly = true, description = "shown on reads; a write that sends it is refused (400)")
        String disabledReason) {

    /** Longer passwords are refused; no backend accepts anything near this. */
    static final int MAX_PASSWORD_LENGTH = 1024;

    /**
     * @throws ApiProblem 400 when a required field is missing, {@code name} contradicts the path or a read-only
     *                   field was sent
     */
    void requireBackend(String pathName) {
        ReadOnlyFields.refuse("passwordSet", passwordSet, "send \"password\" to set or change the password, \"\" to remove it");
        ReadOnlyFields.refuse("serverKeySet", serverKeySet, "send \"serverKey\" to set or change the key, \"\" to remove it");
        ReadOnlyFields.refuse("disabledReason", disabledReason, "a PUT with user (and password) puts the database in "
                + "service");
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
    }

    /** {@code serverTls}, {@code disable} when left out. */
    ServerTls serverTlsOrDefault() {
        return serverTls == null ? ServerTls.DISABLE : serverTls;
    }

    /**
     * The stored form; {@link #requireBackend} must have passed.
     *
     * @param sealedPassword    the sealed password to store (already decided: new, kept or none)
     * @param serverCaPem       the CA certificates as parsed and re-encoded, or null
     * @param certificatePem    the client certificate as parsed and re-encoded, or null
     * @param sealedServerKey   the sealed client key to store (new, kept or none)
     */
    DatabaseConfig toConfig(String pathName, String sealedPassword, String serverCaPem, String certificatePem,
                            String sealedServerKey) {
        return new DatabaseConfig(pathName, host, port, dbname == null ? pathName : dbname, user, sealedPassword,
                serverTlsOrDefault(),
                poolMode == null ? PoolMode.SESSION : poolMode,
                poolSize == null ? DatabaseConfig.DEFAULT_POOL_SIZE : poolSize,
                minPoolSize == null ? 0 : minPoolSize,
                reservePoolSize == null ? 0 : reservePoolSize,
                maxDbConnections == null ? 0 : maxDbConnections,
                serverCaPem, certificatePem, sealedServerKey, sniHostnames);
    }

    /** @throws ApiProblem 400 when the password is too long */
    void checkPassword() {
        if (password != null && password.length() > MAX_PASSWORD_LENGTH) {
            throw ApiProblem.badRequest("password must be at most " + MAX_PASSWORD_LENGTH + " characters");
        }
    }
}
