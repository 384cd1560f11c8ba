package io.portcullis.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Objects;

/**
 * A database clients can connect to by name, and the backend it routes to.
 *
 * @param name              the name clients put in their startup {@code database} parameter
 * @param host              backend host
 * @param port              backend port
 * @param dbname            database name sent to the backend (defaults to {@code name})
 * @param user              user Portcullis logs in to the backend as
 * @param sealedPassword    backend password sealed by {@link SecretBox} for {@link SecretBinding#backendPassword};
 *                          never the clear text
 * @param serverTls         TLS towards the backend
 * @param poolMode          when server connections go back to the pool
 * @param poolSize          server connections per pool
 * @param minPoolSize       server connections kept open while idle
 * @param reservePoolSize   extra connections lent when clients have waited too long
 * @param maxDbConnections  cap on server connections to this database (0 = no cap)
 * @param serverCa          PEM CA certificates the backend's certificate must chain to, or null
 * @param serverCertificate PEM client certificate (chain) presented to a backend that asks for one, or null
 * @param sealedServerKey   private key of {@code serverCertificate} sealed for {@link SecretBinding#serverKey}, or null
 * @param sniHostnames      TLS server names (SNI) that route a client here whatever database name it sent, lower
 *                          case; each names one database at most. Left out of the stored document while empty.
 * @param disabledReason    why the database takes no clients yet, or null when it is in service. Only the PgBouncer
 *                          import sets it, for a database line without {@code user=}: it waits for its backend
 *                          credentials ({@code user} is then null), and the {@code PUT} that gives them puts it in
 *                          service. Left out of the stored document while null.
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
        int maxDbConnections,
        String serverCa,
        String serverCertificate,
        String sealedServerKey,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> sniHostnames,
        @JsonInclude(JsonInclude.Include.NON_NULL) String disabledReason) {

    public static final int DEFAULT_POOL_SIZE = 20;

    @JsonCreator
    public DatabaseConfig {
        sniHostnames = sniHostnames == null ? List.of()
                : sniHostnames.stream().map(h -> h == null ? null : h.toLowerCase(java.util.Locale.ROOT)).toList();
    }

    /** A database in service. */
    public DatabaseConfig(String name, String host, int port, String dbname, String user, String sealedPassword,
                          ServerTls serverTls, PoolMode poolMode, int poolSize, int minPoolSize, int reservePoolSize,
                          int maxDbConnections, String serverCa, String serverCertificate, String sealedServerKey,
                          List<String> sniHostnames) {
        this(name, host, port, dbname, user, sealedPassword, serverTls, poolMode, poolSize, minPoolSize, reservePoolSize,
                maxDbConnections, serverCa, serverCertificate, sealedServerKey, sniHostnames, null);
    }

    /** A database no TLS server name routes to. */
    public DatabaseConfig(String name, String host, int port, String dbname, String user, String sealedPassword,
                          ServerTls serverTls, PoolMode poolMode, int poolSize, int minPoolSize, int reservePoolSize,
                          int maxDbConnections, String serverCa, String serverCertificate, String sealedServerKey) {
        this(name, host, port, dbname, user, sealedPassword, serverTls, poolMode, poolSize, minPoolSize, reservePoolSize,
                maxDbConnections, serverCa, serverCertificate, sealedServerKey, List.of());
    }

    /** A database without backend TLS material (no serverCa, serverCertificate or serverKey). */
    public DatabaseConfig(String name, String host, int port, String dbname, String user, String sealedPassword,
                          ServerTls serverTls, PoolMode poolMode, int poolSize, int minPoolSize, int reservePoolSize,
                          int maxDbConnections) {
        this(name, host, port, dbname, user, sealedPassword, serverTls, poolMode, poolSize, minPoolSize,
                reservePoolSize, maxDbConnections, null, null, null);
    }

    /** Whether clients are refused because the database is not in service yet ({@link #disabledReason}). */
    public boolean disabled() {
        return disabledReason != null;
    }

    public boolean hasPassword() {
        return sealedPassword != null && !sealedPassword.isEmpty();
    }

    public boolean hasServerKey() {
        return sealedServerKey != null && !sealedServerKey.isEmpty();
    }

    public String backendAddress() {
        return host + ":" + port;
    }

    /** Whether {@code other} logs in to the same backend address as the same user (what a sealed password is bound to). */
    public boolean sameLogin(DatabaseConfig other) {
        return sameAddress(other) && Objects.equals(user, other.user);
    }

    /** Whether {@code other} connects to the same host and port (what a sealed TLS client key is bound to). */
    public boolean sameAddress(DatabaseConfig other) {
        return host.equals(other.host) && port == other.port;
    }

    /** Whether a server connection made for {@code other} is one this definition would make too. */
    public boolean sameBackend(DatabaseConfig other) {
        return sameLogin(other) && dbname.equals(other.dbname) && Objects.equals(sealedPassword, other.sealedPassword)
                && serverTls == other.serverTls && Objects.equals(serverCa, other.serverCa)
                && Objects.equals(serverCertificate, other.serverCertificate)
                && Objects.equals(sealedServerKey, other.sealedServerKey);
    }

    public DatabaseConfig withSealedPassword(String sealed) {
        return new DatabaseConfig(name, host, port, dbname, user, sealed, serverTls, poolMode, poolSize, minPoolSize,
                reservePoolSize, maxDbConnections, serverCa, serverCertificate, sealedServerKey, sniHostnames,
                disabledReason);
    }

    /** This database in service, logging in as {@code user} with {@code sealed} (sealed for this name, address and user). */
    public DatabaseConfig inServiceAs(String user, String sealed) {
        return new DatabaseConfig(name, host, port, dbname, user, sealed, serverTls, poolMode, poolSize, minPoolSize,
                reservePoolSize, maxDbConnections, serverCa, serverCertificate, sealedServerKey, sniHostnames, null);
    }

    /** This database waiting for its backend credentials, for {@code reason}: no user, no password. */
    public DatabaseConfig waitingForCredentials(String reason) {
        return new DatabaseConfig(name, host, port, dbname, null, null, serverTls, poolMode, poolSize, minPoolSize,
                reservePoolSize, maxDbConnections, serverCa, serverCertificate, sealedServerKey, sniHostnames, reason);
    }

    /** Whether a TLS client that asked for {@code serverName} (SNI, any case) is routed here. */
    public boolean servesServerName(String serverName) {
        return serverName != null && sniHostnames.contains(serverName.toLowerCase(java.util.Locale.ROOT));
    }

    /** Leaves the sealed values out (they are not secret without the key, but they are noise). */
    @Override
    public String toString() {
        return "DatabaseConfig[" + name + " -> " + user + "@" + backendAddress() + "/" + dbname + ", serverTls="
                + (serverTls == null ? null : serverTls.wireName()) + ", passwordSet=" + hasPassword()
                + (disabled() ? ", disabled" : "") + "]";
    }
}
