package io.portcullis.config;

/**
 * A database clients can connect to by name, and the backend it routes to.
 *
 * @param name              the name clients put in their startup {@code database} parameter
 * @param host              backend host
 * @param port              backend port
 * @param dbname            database name sent to the backend (defaults to {@code name})
 * @param user              user Portcullis logs in to the backend as
 * @param sealedPassword    backend password sealed by {@link SecretBox}; never the clear text
 * @param serverTls         TLS towards the backend
 * @param poolMode          when server connections go back to the pool
 * @param poolSize          server connections per pool
 * @param minPoolSize       server connections kept open while idle
 * @param reservePoolSize   extra connections lent when clients have waited too long
 * @param maxDbConnections  cap on server connections to this database (0 = no cap)
 */
public record DatabaseConfig(
        String name,
        String host,
        int port,
        String dbname,
        String user,
        String sealedPassword,
        ServerTls serverTls,
        PoolMode poolMode,
        int poolSize,
        int minPoolSize,
        int reservePoolSize,
        int maxDbConnections) {

    public static final int DEFAULT_POOL_SIZE = 20;

    public boolean hasPassword() {
        return sealedPassword != null && !sealedPassword.isEmpty();
    }

    public String backendAddress() {
        return host + ":" + port;
    }
}
