package io.portcullis.api;

import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.PoolMode;
import io.portcullis.config.ServerTls;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A database as the API shows it: everything but the password, of which only its presence shows. */
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
        int maxDbConnections) {

    static DatabaseView of(DatabaseConfig db) {
        return new DatabaseView(db.name(), db.host(), db.port(), db.dbname(), db.user(), db.hasPassword(),
                db.serverTls(), db.poolMode(), db.poolSize(), db.minPoolSize(), db.reservePoolSize(),
                db.maxDbConnections());
    }
}
