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
 * @param hosts             the backend addresses ({@code host:port}) when there are several, the first being
 *                          {@code host}:{@code port}; empty for a single host (then {@code host} and {@code port}
 *                          are the address). Left out of the stored document while empty.
 * @param loadBalanceHosts  the order {@code hosts} are tried in; left out of the stored document while
 *                          {@code disable}
 * @param targetSessionAttrs what a new server connection must be to be used; left out of the stored document while
 *                          {@code any}
 * @param authLookup        how client users that are not Portcullis users are looked up in the backend, or null for
 *                          none (only Portcullis users log in). Left out of the stored document while null.
 * @param disabledReason    why the database takes no clients yet, or null when it is in service. Only the PgBouncer
 *                          import sets it, for a database line without {@code user=}: it waits for its backend
 *                          credentials ({@code user} is then null), and the {@code PUT} that gives them puts it in
 *                          service. Left out of the stored document while null.
 *
 * <p>Several hosts: {@code host}/{@code port} stay the first of them, so a reader that knows only one address
 * (SHOW DATABASES, a message) shows the first; {@link #backendHosts()} is the list to connect to. The sealed
 * password and TLS client key are bound to the whole set of addresses ({@link #bindingHost()}), so a host added
 * to the list needs the password again.
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
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> hosts,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = DefaultValue.class) LoadBalanceHosts loadBalanceHosts,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = DefaultValue.class) TargetSessionAttrs targetSessionAttrs,
        @JsonInclude(JsonInclude.Include.NON_NULL) AuthLookup authLookup,
        @JsonInclude(JsonInclude.Include.NON_NULL) String disabledReason) {

    public static final int DEFAULT_POOL_SIZE = 20;
    /** Server connections a database's user lookups share: lookups are one short query each. */
    public static final int AUTH_LOOKUP_POOL_SIZE = 2;

    @JsonCreator
    public DatabaseConfig {
        sniHostnames = sniHostnames == null ? List.of()
                : sniHostnames.stream().map(h -> h == null ? null : h.toLowerCase(java.util.Locale.ROOT)).toList();
        hosts = hosts == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(hosts));
        if (hosts.size() == 1 && host != null && hosts.get(0) != null
                && hosts.get(0).equals(new BackendHost(host, port).toString())) {
            hosts = List.of(); // one host is the same as no list
        }
        loadBalanceHosts = loadBalanceHosts == null ? LoadBalanceHosts.DISABLE : loadBalanceHosts;
        targetSessionAttrs = targetSessionAttrs == null ? TargetSessionAttrs.ANY : targetSessionAttrs;
    }

    /** A database in service. */
    public DatabaseConfig(String name, String host, int port, String dbname, String user, String sealedPassword,
                          ServerTls serverTls, PoolMode poolMode, int poolSize, int minPoolSize, int reservePoolSize,
                          int maxDbConnections, String serverCa, String serverCertificate, String sealedServerKey,
                          List<String> sniHostnames, List<String> hosts, LoadBalanceHosts loadBalanceHosts,
                          TargetSessionAttrs targetSessionAttrs) {
        this(name, host, port, dbname, user, sealedPassword, serverTls, poolMode, poolSize, minPoolSize, reservePoolSize,
                maxDbConnections, serverCa, serverCertificate, sealedServerKey, sniHostnames, hosts, loadBalanceHosts,
                targetSessionAttrs, null, null);
    }

    /** A database in service with one backend host and no target session attributes. */
    public DatabaseConfig(String name, String host, int port, String dbname, String user, String sealedPassword,
                          ServerTls serverTls, PoolMode poolMode, int poolSize, int minPoolSize, int reservePoolSize,
                          int maxDbConnections, String serverCa, String serverCertificate, String sealedServerKey,
                          List<String> sniHostnames) {
        this(name, host, port, dbname, user, sealedPassword, serverTls, poolMode, poolSize, minPoolSize, reservePoolSize,
                maxDbConnections, serverCa, serverCertificate, sealedServerKey, sniHostnames, List.of(), null, null);
    }

    /**
     * Leaves a setting out of the stored document while it has its default (Jackson's custom inclusion filter:
     * {@code equals} answers whether to leave the value out), so a document that does not use several hosts reads
     * in a version that does not know them.
     */
    public static final class DefaultValue {
        @Override
        public boolean equals(Object value) {
            return value == null || value == LoadBalanceHosts.DISABLE || value == TargetSessionAttrs.ANY;
        }

        @Override
        public int hashCode() {
            return 0;
        }
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

    /** {@code host:port}, or the list {@code h1:p1,h2:p2} of a database with several hosts, for messages. */
    public String backendAddress() {
        return hosts.isEmpty() ? host + ":" + port : String.join(",", hosts);
    }

    /** Whether this database lists several backend hosts. */
    public boolean hasHostList() {
        return !hosts.isEmpty();
    }

    /**
     * The addresses to connect to, in the order listed: {@code host}:{@code port} alone, or the parsed {@code hosts}.
     *
     * @throws ConfigException when an entry does not parse (the validator refuses such a database before it is stored)
     */
    public List<BackendHost> backendHosts() {
        if (hosts.isEmpty()) {
            return List.of(new BackendHost(host, port));
        }
        return hosts.stream().map(h -> BackendHost.parse(h, null)).toList();
    }

    /**
     * The host a sealed secret of this database is bound to ({@link SecretBinding}): {@code host} for one host (as
     * before host lists existed, so stored secrets still open), else the sorted, comma-joined list of addresses:
     * the set of places the secret may go, whatever the order they are tried in.
     */
    public String bindingHost() {
        if (hosts.isEmpty()) {
            return host;
        }
        return hosts.stream().map(h -> {
            try {
                return BackendHost.parse(h, null).toString().toLowerCase(java.util.Locale.ROOT);
            } catch (ConfigException e) {
                return h; // refused by the validator anyway
            }
        }).sorted().collect(java.util.stream.Collectors.joining(","));
    }

    /** The port a sealed secret is bound to: {@code port} for one host, 0 for a list (whose ports are in {@link #bindingHost()}). */
    public int bindingPort() {
        return hosts.isEmpty() ? port : 0;
    }

    /** Whether {@code other} logs in to the same backend address(es) as the same user (what a sealed password is bound to). */
    public boolean sameLogin(DatabaseConfig other) {
        return sameAddress(other) && Objects.equals(user, other.user);
    }

    /**
     * Whether {@code other} connects to the same host and port, or the same set of hosts (what a sealed TLS client key
     * is bound to); the order of a list does not matter.
     */
    public boolean sameAddress(DatabaseConfig other) {
        return bindingHost().equals(other.bindingHost()) && bindingPort() == other.bindingPort();
    }

    /** Whether a server connection made for {@code other} is one this definition would make too. */
    public boolean sameBackend(DatabaseConfig other) {
        return sameLogin(other) && dbname.equals(other.dbname) && Objects.equals(sealedPassword, other.sealedPassword)
                && serverTls == other.serverTls && Objects.equals(serverCa, other.serverCa)
                && Objects.equals(serverCertificate, other.serverCertificate)
                && Objects.equals(sealedServerKey, other.sealedServerKey) && hosts.equals(other.hosts)
                && targetSessionAttrs == other.targetSessionAttrs;
    }

    public DatabaseConfig withSealedPassword(String sealed) {
        return new DatabaseConfig(name, host, port, dbname, user, sealed, serverTls, poolMode, poolSize, minPoolSize,
                reservePoolSize, maxDbConnections, serverCa, serverCertificate, sealedServerKey, sniHostnames, hosts,
                loadBalanceHosts, targetSessionAttrs, authLookup, disabledReason);
    }

    /** This database with {@code lookup} (null for none). */
    public DatabaseConfig withAuthLookup(AuthLookup lookup) {
        return new DatabaseConfig(name, host, port, dbname, user, sealedPassword, serverTls, poolMode, poolSize,
                minPoolSize, reservePoolSize, maxDbConnections, serverCa, serverCertificate, sealedServerKey, sniHostnames,
                hosts, loadBalanceHosts, targetSessionAttrs, lookup, disabledReason);
    }

    /**
     * What the pool of a user looked up in the backend connects as: this database's backend and settings, logging in
     * as {@code backendUser} with no stored password (its client's proof stands in for it), and no minimum pool.
     */
    public DatabaseConfig forBackendUser(String backendUser) {
        // No connections kept warm for each of possibly many roles: a user's pool opens as its clients come.
        return new DatabaseConfig(name, host, port, dbname, backendUser, null, serverTls, poolMode, poolSize,
                0, reservePoolSize, maxDbConnections, serverCa, serverCertificate, sealedServerKey, sniHostnames,
                hosts, loadBalanceHosts, targetSessionAttrs, authLookup, null);
    }

    /** What the lookup connects as: {@link AuthLookup#user} with its password, in its database, one session at a time. */
    public DatabaseConfig forAuthLookup() {
        return new DatabaseConfig(name, host, port, authLookup.dbname() == null ? dbname : authLookup.dbname(),
                authLookup.user(), authLookup.sealedPassword(), serverTls, PoolMode.SESSION, AUTH_LOOKUP_POOL_SIZE, 0, 0,
                0, serverCa, serverCertificate, sealedServerKey, List.of(), hosts, loadBalanceHosts, TargetSessionAttrs.ANY, null,
                null);
    }

    /** This database in service, logging in as {@code user} with {@code sealed} (sealed for this name, address and user). */
    public DatabaseConfig inServiceAs(String user, String sealed) {
        return new DatabaseConfig(name, host, port, dbname, user, sealed, serverTls, poolMode, poolSize, minPoolSize,
                reservePoolSize, maxDbConnections, serverCa, serverCertificate, sealedServerKey, sniHostnames, hosts,
                loadBalanceHosts, targetSessionAttrs, authLookup, null);
    }

    /** This database waiting for its backend credentials, for {@code reason}: no user, no password. */
    public DatabaseConfig waitingForCredentials(String reason) {
        return new DatabaseConfig(name, host, port, dbname, null, null, serverTls, poolMode, poolSize, minPoolSize,
                reservePoolSize, maxDbConnections, serverCa, serverCertificate, sealedServerKey, sniHostnames, hosts,
                loadBalanceHosts, targetSessionAttrs, authLookup, reason);
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
