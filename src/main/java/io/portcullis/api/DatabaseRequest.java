package io.portcullis.api;

import io.portcullis.config.AuthLookup;
import io.portcullis.config.BackendHost;
import io.portcullis.config.ConfigException;
import io.portcullis.config.ConfigValidator;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.LoadBalanceHosts;
import io.portcullis.config.PoolMode;
import io.portcullis.config.ServerTls;
import io.portcullis.config.TargetSessionAttrs;
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
 *
 * <p>Several hosts: {@code hosts} lists the addresses ({@code host:port}, or {@code host} taking {@code port});
 * {@code host} and {@code port} may then be left out, and when sent must be the first entry (what a read shows, so a
 * read sent back is accepted); anything else is a 400. One entry is the same as {@code host} and {@code port}. The
 * stored password stays only while the set of addresses and the user stay (the order may change).
 */
@Schema(name = "DatabaseRequest", description = "A database clients connect to by name, and its backend")
public record DatabaseRequest(
        @Schema(description = "must equal the name in the path when sent", readOnly = true)
        String name,
        @Schema(description = "backend host (required unless hosts is sent)", example = "questdb.internal")
        String host,
        @Schema(description = "backend port, 1-65535 (required unless hosts is sent with a port in every entry)",
                example = "8812")
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
        @Schema(description = "several backend addresses, tried as libpq does (see loadBalanceHosts and "
                + "targetSessionAttrs): each host:port ([ipv6]:port), or host alone taking port; at most "
                + ConfigValidator.MAX_HOSTS + ". host and port may then be left out; sent, they must be the first entry",
                example = "[\"pg-a.internal:5432\", \"pg-b.internal:5432\"]")
        List<String> hosts,
        @Schema(description = "order the hosts are tried in for each new server connection (libpq load_balance_hosts): "
                + "disable = as listed (failover), random = a fresh random order each time (spread)",
                defaultValue = "disable")
        LoadBalanceHosts loadBalanceHosts,
        @Schema(description = "what a new server connection must be (libpq target_session_attrs), checked after login: "
                + "read-write/read-only by SHOW transaction_read_only, primary/standby by pg_is_in_recovery(); "
                + "prefer-standby = a standby if any, else any host. On QuestDB only any, primary and prefer-standby "
                + "are meaningful (it is never a standby and has no transaction_read_only)", defaultValue = "any")
        TargetSessionAttrs targetSessionAttrs,
        @Schema(description = "look client users that are not Portcullis users up in the backend (PgBouncer's "
                + "auth_user): authQuery runs as this backend user, and such a client logs in to the backend as itself "
                + "with what its own SCRAM or md5 proof gives away (passthrough); leave out for none",
                example = "pgbouncer_auth")
        String authUser,
        @Schema(writeOnly = true, description = "authUser's backend password, stored encrypted and never returned; "
                + "leave out to keep the stored one, send \"\" to remove it")
        String authPassword,
        @Schema(description = "the lookup (PgBouncer's auth_query): one statement, $1 is the client's user name, the "
                + "second column of its single row the user's SCRAM-SHA-256 verifier or md5 hash; no row or NULL: no such "
                + "user", defaultValue = AuthLookup.DEFAULT_QUERY)
        String authQuery,
        @Schema(description = "the database the lookup connects to (PgBouncer's auth_dbname); defaults to dbname")
        String authDbname,
        @Schema(readOnly = true, description = "shown on reads; a write that sends it is refused (400)")
        Boolean authPasswordSet,
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
        if (hosts == null || hosts.isEmpty()) {
            if (host == null) {
                throw ApiProblem.badRequest("host is required (or hosts)");
            }
            if (port == null) {
                throw ApiProblem.badRequest("port is required");
            }
        } else {
            backendHosts(); // refuses what does not parse or agree
        }
        ReadOnlyFields.refuse("authPasswordSet", authPasswordSet, "send \"authPassword\" to set or change it, \"\" to "
                + "remove it");
        if (user == null && authUser == null) {
            throw ApiProblem.badRequest("user is required (or authUser, for a database only users looked up in the "
                    + "backend use)");
        }
        if (authUser == null && (authPassword != null || authQuery != null || authDbname != null)) {
            throw ApiProblem.badRequest("authPassword, authQuery and authDbname need authUser, the backend user the "
                    + "lookup runs as");
        }
        if (user == null && password != null && !password.isEmpty()) {
            throw ApiProblem.badRequest("password needs the user it belongs to");
        }
    }

    /** The user lookup this body asks for, with {@code sealedAuthPassword}; null without {@code authUser}. */
    AuthLookup authLookup(String sealedAuthPassword) {
        return authUser == null ? null : new AuthLookup(authUser, sealedAuthPassword, authQuery, authDbname);
    }

    /**
     * The addresses: {@code host}:{@code port}, or the parsed {@code hosts} ({@link #requireBackend} must have passed).
     *
     * @throws ApiProblem 400 when an entry does not parse, or {@code host}/{@code port} disagree with the first entry
     */
    List<BackendHost> backendHosts() {
        if (hosts == null || hosts.isEmpty()) {
            return List.of(new BackendHost(host, port));
        }
        if (hosts.size() > ConfigValidator.MAX_HOSTS) {
            throw ApiProblem.badRequest("hosts lists " + hosts.size() + " addresses; at most " + ConfigValidator.MAX_HOSTS
                    + " are allowed");
        }
        List<BackendHost> parsed = new java.util.ArrayList<>(hosts.size());
        for (String entry : hosts) {
            try {
                parsed.add(BackendHost.parse(entry, port));
            } catch (ConfigException e) {
                throw ApiProblem.badRequest(e.getMessage());
            }
        }
        BackendHost first = parsed.get(0);
        if ((host != null && !host.equalsIgnoreCase(first.host())) || (host != null && port != null && port != first.port())) {
            throw ApiProblem.badRequest("host and port (" + host + (port == null ? "" : ":" + port) + ") disagree with "
                    + "hosts, whose first entry is " + first + ": send host and port as the first entry of hosts, or "
                    + "leave them out");
        }
        return parsed;
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
        List<BackendHost> addresses = backendHosts();
        BackendHost first = addresses.get(0);
        return new DatabaseConfig(pathName, first.host(), first.port(), dbname == null ? pathName : dbname, user, sealedPassword,
                serverTlsOrDefault(),
                poolMode == null ? PoolMode.SESSION : poolMode,
                poolSize == null ? DatabaseConfig.DEFAULT_POOL_SIZE : poolSize,
                minPoolSize == null ? 0 : minPoolSize,
                reservePoolSize == null ? 0 : reservePoolSize,
                maxDbConnections == null ? 0 : maxDbConnections,
                serverCaPem, certificatePem, sealedServerKey, sniHostnames,
                addresses.size() == 1 ? List.of() : addresses.stream().map(BackendHost::toString).toList(),
                loadBalanceHosts, targetSessionAttrs);
    }

    /** {@link #toConfig} with the user lookup; {@code sealedAuthPassword} is already decided (new, kept or none). */
    DatabaseConfig toConfig(String pathName, String sealedPassword, String serverCaPem, String certificatePem,
                            String sealedServerKey, String sealedAuthPassword) {
        return toConfig(pathName, sealedPassword, serverCaPem, certificatePem, sealedServerKey)
                .withAuthLookup(authLookup(sealedAuthPassword));
    }

    /** @throws ApiProblem 400 when a password is too long */
    void checkPassword() {
        if (password != null && password.length() > MAX_PASSWORD_LENGTH) {
            throw ApiProblem.badRequest("password must be at most " + MAX_PASSWORD_LENGTH + " characters");
        }
        if (authPassword != null && authPassword.length() > MAX_PASSWORD_LENGTH) {
            throw ApiProblem.badRequest("authPassword must be at most " + MAX_PASSWORD_LENGTH + " characters");
        }
    }
}
