package io.portcullis.api;

import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.PoolMode;
import io.portcullis.config.ServerTls;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A database as the API shows it: everything but the password and the TLS client key, of which only their presence shows. */
@Schema(name = "Database")
public record DatabaseView(
        String name,
        String host,
        int port,
        String dbname,
        String user,
        @Schema(description = "whether a backend password is stored (it is never shown)")
        boolean passwordSet,
        ServerTls serverTls,
        PoolMode poolMode,
        int poolSize,
        int minPoolSize,
        int reservePoolSize,
        int maxDbConnections,
        @Schema(description = "PEM CA certificates the backend's certificate must chain to, or null")
        String serverCa,
        @Schema(description = "PEM client certificate presented to the backend, or null")
        String serverCertificate,
        @Schema(description = "whether the private key of serverCertificate is stored (it is never shown)")
        boolean serverKeySet) {

    static DatabaseView of(DatabaseConfig db) {
        return new DatabaseView(db.name(), db.host(), db.port(), db.dbname(), db.user(), db.hasPassword(),
                db.serverTls(), db.poolMode(), db.poolSize(), db.minPoolSize(), db.reservePoolSize(),
                db.maxDbConnections(), db.serverCa(), db.serverCertificate(), db.hasServerKey());
    }
}
