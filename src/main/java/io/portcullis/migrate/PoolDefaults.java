package io.portcullis.migrate;

import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.PoolMode;

/**
 * The pool settings of {@code [pgbouncer]} that databases inherit unless their own line says
 * otherwise. PgBouncer's defaults are Portcullis's defaults.
 */
record PoolDefaults(PoolMode poolMode, int poolSize, int minPoolSize, int reservePoolSize, int maxDbConnections) {

    static final PoolDefaults PGBOUNCER = new PoolDefaults(PoolMode.SESSION, DatabaseConfig.DEFAULT_POOL_SIZE, 0, 0, 0);

    PoolDefaults withPoolMode(PoolMode mode) {
        return new PoolDefaults(mode, poolSize, minPoolSize, reservePoolSize, maxDbConnections);
    }

    PoolDefaults withPoolSize(int size) {
        return new PoolDefaults(poolMode, size, minPoolSize, reservePoolSize, maxDbConnections);
    }

    PoolDefaults withMinPoolSize(int size) {
        return new PoolDefaults(poolMode, poolSize, size, reservePoolSize, maxDbConnections);
    }

    PoolDefaults withReservePoolSize(int size) {
        return new PoolDefaults(poolMode, poolSize, minPoolSize, size, maxDbConnections);
    }

    PoolDefaults withMaxDbConnections(int max) {
        return new PoolDefaults(poolMode, poolSize, minPoolSize, reservePoolSize, max);
    }
}
