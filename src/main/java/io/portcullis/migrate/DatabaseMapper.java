package io.portcullis.migrate;

import io.portcullis.config.AuthLookup;
import io.portcullis.config.BackendHost;
import io.portcullis.config.ConfigException;
import io.portcullis.config.ConfigValidator;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.LoadBalanceHosts;
import io.portcullis.config.PoolMode;
import io.portcullis.config.SecretBinding;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.BiFunction;

/**
 * Turns {@code [databases]} lines into {@link DatabaseConfig}s. Portcullis logs in to a backend as
 * one configured user over TCP, so a line without {@code host} (a Unix socket) cannot become a database and is
 * reported whole; a line without {@code user} (PgBouncer's per-client-user pools) becomes a database
 * {@linkplain DatabaseConfig#disabled() waiting for its credentials}; a parameter Portcullis has no use for is
 * reported alone and the database is still created.
 *
 * <p>A host list ({@code host=h1,h2}, with one {@code port} for all or a {@code port=p1,p2} list of the same
 * length) becomes {@code hosts}; {@code load_balance_hosts} (PgBouncer 1.24: {@code round-robin}, its default,
 * or {@code disable}) becomes {@code loadBalanceHosts}: {@code disable} as is, {@code round-robin} as
 * {@code random}, which spreads new server connections over the hosts as well, at random instead of in turn.
 *
 * <p>The {@code [users]} settings of the database's {@code user=} (its server user) apply as in
 * PgBouncer: that user's pool mode, pool size and reserve win over the database line's, and its
 * {@code max_user_connections} (else the global one) caps the server connections of every database
 * that logs in as it. With one such database that cap is the database's {@code maxDbConnections}; a
 * cap shared by several databases has no Portcullis equivalent and is reported.
 */
final class DatabaseMapper {

    static final String SECTION = "databases";
    private static final String FALLBACK = "*";
    private static final int DEFAULT_PORT = 5432;

    /** Parameters PgBouncer knows that Portcullis does not use, with the reason. */
    private static final Map<String, String> IGNORED = Map.ofEntries(
            Map.entry("connect_query", "no per-connection query: Portcullis hands out connections as the backend made them"),
            Map.entry("client_encoding", "Portcullis does not set backend session parameters; clients set their own"),
            Map.entry("datestyle", "Portcullis does not set backend session parameters; clients set their own"),
            Map.entry("timezone", "Portcullis does not set backend session parameters; clients set their own"),
            Map.entry("application_name", "Portcullis does not set backend session parameters; clients set their own"),
            Map.entry("query_wait_timeout", "one wait timeout for all databases: the setting queryWaitTimeout "
                    + "(/api/v1/settings; [pgbouncer] query_wait_timeout is imported into it)"),
            Map.entry("server_lifetime", "no per-database server lifetime: the setting serverLifetime applies to all "
                    + "databases ([pgbouncer] server_lifetime is imported into it)"),
            Map.entry("max_db_client_connections", "no client connection cap per database yet"));

    private final GlobalSettings global;
    private final Map<String, UserSettings> serverUsers;
    private final Map<String, UserlistEntry> userlist;
    private final BiFunction<String, SecretBinding, String> seal;
    private final ImportFindings findings;

    /**
     * @param serverUsers the {@code [users]} lines by user name
     * @param userlist    the userlist by user name: a backend user without {@code password=} takes its password from there
     * @param seal        seals a backend secret for what it is bound to ({@link io.portcullis.config.SecretBox#seal})
     */
    DatabaseMapper(GlobalSettings global, Map<String, UserSettings> serverUsers, Map<String, UserlistEntry> userlist,
                   BiFunction<String, SecretBinding, String> seal, ImportFindings findings) {
        this.global = global;
        this.serverUsers = serverUsers;
        this.userlist = userlist;
        this.seal = seal;
        this.findings = findings;
    }

    List<DatabaseConfig> map(List<IniEntry> entries) {
        Map<String, IniEntry> last = new LinkedHashMap<>();
        for (IniEntry e : entries) {
            IniEntry earlier = last.put(e.key(), e);
            if (earlier != null) {
                findings.unmapped(earlier, earlier.key(), null, "database '" + e.key() + "' is defined again on "
                        + e.file() + " line " + e.line() + ", which wins");
            }
        }
        List<DatabaseConfig> databases = new ArrayList<>();
        for (IniEntry e : last.values()) {
            DatabaseConfig db = map(e);
            if (db != null) {
                databases.add(db);
            }
        }
        Map<String, List<DatabaseConfig>> byServerUser = new LinkedHashMap<>();
        databases.stream().filter(db -> !db.disabled())
                .forEach(db -> byServerUser.computeIfAbsent(db.user(), u -> new ArrayList<>()).add(db));
        reportServerUsersWithoutDatabases(byServerUser);
        List<DatabaseConfig> capped = new ArrayList<>();
        for (DatabaseConfig db : databases) {
            List<DatabaseConfig> sameUser = byServerUser.get(db.user());
            capped.add(sameUser != null && sameUser.size() == 1 ? withServerUserCap(db) : db);
        }
        byServerUser.forEach(this::reportSharedServerUserCap);
        return capped;
    }

    /** {@code [users]} pool settings of a user no imported database logs in as apply to nothing here. */
    private void reportServerUsersWithoutDatabases(Map<String, List<DatabaseConfig>> byServerUser) {
        for (Map.Entry<String, UserSettings> u : serverUsers.entrySet()) {
            List<String> settings = u.getValue().serverSettings();
            if (!settings.isEmpty() && !byServerUser.containsKey(u.getKey())) {
                findings.unmapped(u.getValue().entry(), "user '" + u.getKey() + "': " + String.join(", ", settings)
                        + " not imported: PgBouncer applies them to the pools of that server user (the user= of a "
                        + "database), and no imported database logs in to its backend as '" + u.getKey() + "'");
            }
        }
    }

    /** The line that sets {@code user}'s {@code max_user_connections}: its {@code [users]} line, else the global one. */
    private GlobalSettings.Limit serverUserCap(String user) {
        UserSettings own = serverUsers.get(user);
        return own != null && own.maxUserConnections() > 0
                ? new GlobalSettings.Limit(own.maxUserConnections(), own.entry()) : global.maxUserConnections();
    }

    /** {@code db}, the only database of its server user, with that user's cap as {@code maxDbConnections} when lower. */
    private DatabaseConfig withServerUserCap(DatabaseConfig db) {
        int cap = serverUserCap(db.user()).value();
        if (cap <= 0 || (db.maxDbConnections() > 0 && db.maxDbConnections() <= cap)) {
            return db;
        }
        return new DatabaseConfig(db.name(), db.host(), db.port(), db.dbname(), db.user(), db.sealedPassword(),
                db.serverTls(), db.poolMode(), db.poolSize(), db.minPoolSize(), db.reservePoolSize(), cap, db.serverCa(),
                db.serverCertificate(), db.sealedServerKey(), db.sniHostnames(), db.hosts(), db.loadBalanceHosts(),
                db.targetSessionAttrs());
    }

    /** A cap on a server user that several databases share, and that their own caps do not already keep. */
    private void reportSharedServerUserCap(String user, List<DatabaseConfig> databases) {
        GlobalSettings.Limit cap = serverUserCap(user);
        if (databases.size() < 2 || cap.value() <= 0) {
            return;
        }
        long most = 0; // server connections the databases' own caps allow together
        for (DatabaseConfig db : databases) {
            if (db.maxDbConnections() == 0) {
                most = Long.MAX_VALUE;
                break;
            }
            most += db.maxDbConnections();
        }
        if (most <= cap.value()) {
            return;
        }
        String names = String.join(", ", databases.stream().map(DatabaseConfig::name).toList());
        findings.unmapped(cap.entry(), "max_user_connections", Integer.toString(cap.value()), "PgBouncer caps the server "
                + "connections of user '" + user + "' at " + cap.value() + " across the databases that log in as it ("
                + names + "); Portcullis caps each database (maxDbConnections), not a server user: not imported; set "
                + "maxDbConnections on " + names + " so that they add up to at most " + cap.value());
    }

    private DatabaseConfig map(IniEntry e) {
        ConnectionString cs;
        try {
            cs = ConnectionString.parse(e.value());
        } catch (IllegalArgumentException bad) {
            throw new PgBouncerSyntaxException(e.file(), e.line(), "database '" + e.key() + "': " + bad.getMessage());
        }
        String name = e.key();
        if (FALLBACK.equals(name)) {
            return skip(e, cs, "the fallback database '*' has no Portcullis equivalent: Portcullis serves only the "
                    + "databases it knows by name; add a [databases] line for each database clients use");
        }
        String host = cs.get("host");
        if (host == null || host.startsWith("/") || host.startsWith("@")) {
            return skip(e, cs, "database '" + name + "' " + (host == null ? "has no host, so PgBouncer uses a Unix socket"
                    : "uses a Unix socket") + "; Portcullis connects over TCP: add host= (and port=)");
        }
        String user = cs.get("user");
        List<String> hostNames = List.of(host.split(",", -1));
        List<String> portTexts = cs.get("port") == null ? List.of(Integer.toString(DEFAULT_PORT))
                : List.of(cs.get("port").split(",", -1));
        if (hostNames.stream().anyMatch(h -> h.isBlank() || h.startsWith("/") || h.startsWith("@"))) {
            return skip(e, cs, "database '" + name + "': host lists an empty entry or a Unix socket; Portcullis "
                    + "connects over TCP to each host of a list");
        }
        if (portTexts.size() != 1 && portTexts.size() != hostNames.size()) {
            return skip(e, cs, "database '" + name + "': port lists " + portTexts.size() + " ports for "
                    + hostNames.size() + " hosts; give one port for all or one per host");
        }
        List<BackendHost> addresses = new ArrayList<>();
        for (int i = 0; i < hostNames.size(); i++) {
            OptionalInt p = SettingValues.integer(portTexts.get(portTexts.size() == 1 ? 0 : i).trim(), 1, 65_535);
            if (p.isEmpty()) {
                return skip(e, cs, "database '" + name + "': port must be " + SettingValues.range(1, 65_535));
            }
            addresses.add(new BackendHost(hostNames.get(i).trim(), p.getAsInt()));
        }
        host = addresses.get(0).host();
        int port = addresses.get(0).port();
        List<String> hosts = addresses.size() == 1 ? List.of() : addresses.stream().map(BackendHost::toString).toList();
        // PgBouncer 1.24 balances a host list round-robin unless told load_balance_hosts=disable.
        LoadBalanceHosts balance = addresses.size() > 1 ? LoadBalanceHosts.RANDOM : LoadBalanceHosts.DISABLE;
        PoolDefaults pool = global.pool();
        PoolMode poolMode = pool.poolMode();
        int poolSize = pool.poolSize();
        int minPoolSize = pool.minPoolSize();
        int reservePoolSize = pool.reservePoolSize();
        int maxDbConnections = pool.maxDbConnections();
        for (Map.Entry<String, String> p : cs.params().entrySet()) {
            String key = p.getKey();
            String value = p.getValue();
            switch (key) {
                case "password" -> {
                    if (user == null) {
                        findings.parameter(e, key, null, "database '" + name + "': a password without user= is not "
                                + "imported; PUT /api/v1/databases/" + name + " with user and password puts the "
                                + "database in service");
                    }
                }
                case "host", "port", "user", "dbname", "auth_user", "auth_query", "auth_dbname" -> {
                    // Read above or below.
                }
                case "load_balance_hosts" -> {
                    switch (value) {
                        case "disable" -> balance = LoadBalanceHosts.DISABLE;
                        case "round-robin" -> balance = addresses.size() > 1 ? LoadBalanceHosts.RANDOM : LoadBalanceHosts.DISABLE;
                        default -> findings.parameter(e, key, value, "database '" + name + "': not a load_balance_hosts "
                                + "value (disable, round-robin); " + balance.wireName() + " is used");
                    }
                }
                case "pool_mode" -> {
                    PoolMode mode = SettingValues.poolMode(value);
                    if (mode == null) {
                        findings.parameter(e, key, value, "database '" + name + "': not a pool mode (session, "
                                + "transaction, statement); " + poolMode.wireName() + " is used");
                    } else {
                        poolMode = mode;
                    }
                }
                case "pool_size" -> poolSize = integer(e, name, key, value, 1, ConfigValidator.MAX_POOL_SIZE, poolSize);
                case "min_pool_size" -> minPoolSize = integer(e, name, key, value, 0, ConfigValidator.MAX_POOL_SIZE, minPoolSize);
                case "reserve_pool", "reserve_pool_size" ->
                        reservePoolSize = integer(e, name, key, value, 0, ConfigValidator.MAX_POOL_SIZE, reservePoolSize);
                case "max_db_connections" ->
                        maxDbConnections = integer(e, name, key, value, 0, ConfigValidator.MAX_DB_CONNECTIONS, maxDbConnections);
                default -> findings.parameter(e, key, value, "database '" + name + "': "
                        + IGNORED.getOrDefault(key, "not a PgBouncer connection parameter"));
            }
        }
        UserSettings serverUser = user == null ? null : serverUsers.get(user);
        if (serverUser != null) { // PgBouncer: the pool's user wins over its database
            poolMode = serverUser.poolMode() != null ? serverUser.poolMode() : poolMode;
            poolSize = serverUser.poolSize() != null ? serverUser.poolSize() : poolSize;
            reservePoolSize = serverUser.reservePoolSize() != null ? serverUser.reservePoolSize() : reservePoolSize;
        }
        if (global.reservePoolOff()) {
            reservePoolSize = 0;
        }
        if (minPoolSize > poolSize) {
            findings.parameter(e, "min_pool_size", Integer.toString(minPoolSize), "database '" + name
                    + "': larger than the pool size; capped at " + poolSize + " as PgBouncer does");
            minPoolSize = poolSize;
        }
        ServerTlsSettings tls = global.serverTls();
        DatabaseConfig unsealed = new DatabaseConfig(name, host, port, cs.get("dbname") == null ? name : cs.get("dbname"),
                user, null, tls.mode(), poolMode, poolSize, minPoolSize, reservePoolSize, maxDbConnections, tls.caPem(),
                tls.client() == null ? null : tls.client().certificateChainPem(), null, List.of(), hosts, balance, null);
        // Bound to the host, or to the set of hosts of a list (SecretBinding), as the API seals them.
        String sealedPassword = user == null ? null : backendPassword(e, name, user, cs.get("password"),
                SecretBinding.backendPassword(unsealed));
        DatabaseConfig db = new DatabaseConfig(name, host, port, unsealed.dbname(),
                user, sealedPassword, tls.mode(), poolMode, poolSize,
                minPoolSize, reservePoolSize, maxDbConnections, tls.caPem(),
                tls.client() == null ? null : tls.client().certificateChainPem(),
                tls.client() == null ? null : seal.apply(tls.client().privateKeyPem(), SecretBinding.serverKey(unsealed)),
                List.of(), hosts, balance, null);
        AuthLookup lookup = authLookup(e, cs, unsealed);
        if (lookup != null) {
            db = db.withAuthLookup(lookup); // without user=: only users looked up use it, as PgBouncer's clients
        } else if (user == null) {
            db = db.waitingForCredentials(waitingReason(e, name));
        }
        try {
            ConfigValidator.validate(GatewayConfig.EMPTY.withDatabase(db));
        } catch (ConfigException invalid) {
            return skip(e, cs, invalid.getMessage());
        }
        return db;
    }

    /**
     * PgBouncer's {@code auth_user}, {@code auth_query} and {@code auth_dbname}, of the line or else of
     * {@code [pgbouncer]}: users that are not in the userlist are looked up in the backend. The lookup logs in as
     * {@code auth_user} with its clear-text userlist password (sealed as the database's own would be); an md5 hash
     * or SCRAM verifier there cannot log in to a backend that asks for a password, so it is reported.
     *
     * @return null when neither the line nor {@code [pgbouncer]} sets {@code auth_user}
     */
    private AuthLookup authLookup(IniEntry e, ConnectionString cs, DatabaseConfig db) {
        GlobalSettings.AuthLookupLines lines = global.authLookup();
        String authUser = cs.get("auth_user") != null ? cs.get("auth_user")
                : lines.user() == null ? null : lines.user().value();
        String query = cs.get("auth_query") != null ? cs.get("auth_query")
                : lines.query() == null ? null : lines.query().value();
        String dbname = cs.get("auth_dbname") != null ? cs.get("auth_dbname")
                : lines.dbname() == null ? null : lines.dbname().value();
        if (query != null) { // PgBouncer sends the query as written; one statement is all Portcullis runs
            query = query.strip().replaceAll(";+$", "").strip();
        }
        if (authUser == null || authUser.isBlank()) {
            if (cs.get("auth_query") != null || cs.get("auth_dbname") != null) {
                findings.parameter(e, cs.get("auth_query") != null ? "auth_query" : "auth_dbname", null, "database '"
                        + db.name() + "': no auth_user on the line or in [pgbouncer], so nobody is looked up");
            }
            return null;
        }
        String sealed = null;
        UserlistEntry listed = userlist.get(authUser);
        SecretBinding binding = SecretBinding.backendPassword(db.withAuthLookup(new AuthLookup(authUser, null, query,
                dbname)).forAuthLookup());
        if (listed != null && listed.kind() == UserlistEntry.SecretKind.PLAIN && !listed.secret().isEmpty()) {
            sealed = seal.apply(listed.secret(), binding);
        } else {
            findings.parameter(e, "auth_user", authUser, "database '" + db.name() + "': auth_user '" + authUser + "' "
                    + (listed == null ? "is not in the userlist" : "has no clear-text password in the userlist")
                    + ", so the lookup logs in without a password; set one with PUT /api/v1/databases/" + db.name()
                    + " (authPassword) if the backend asks for it");
        }
        return new AuthLookup(authUser, sealed, query, dbname);
    }

    /**
     * Why a line without {@code user=} makes a database that waits: PgBouncer logs in as each client with the
     * client's own password, which a proxy that checks md5 hashes or SCRAM verifiers never has in clear (QuestDB asks
     * for it in clear), so no stored password can stand in for it.
     */
    private static String waitingReason(IniEntry e, String name) {
        return "imported from " + e.file() + " line " + e.line() + " without user=: PgBouncer logs in to the backend "
                + "as each client's own user, Portcullis as one configured user; PUT /api/v1/databases/" + name
                + " with user and password puts it in service";
    }

    /** The sealed backend password: from the line, else the backend user's clear-text userlist entry, else none. */
    private String backendPassword(IniEntry e, String name, String user, String password, SecretBinding binding) {
        if (password != null) {
            return seal.apply(password, binding);
        }
        UserlistEntry listed = userlist.get(user);
        if (listed == null) {
            findings.parameter(e, "password", null, "database '" + name + "' has no password= and user '" + user
                    + "' is not in the userlist: created without a backend password (set one with PUT /api/v1/databases/"
                    + name + " if the backend asks for it)");
            return null;
        }
        if (listed.kind() != UserlistEntry.SecretKind.PLAIN || listed.secret().isEmpty()) {
            findings.parameter(e, "password", null, "database '" + name + "' takes user '" + user + "''s password from "
                    + "the userlist, which holds only " + (listed.kind() == UserlistEntry.SecretKind.MD5 ? "an md5 hash"
                    : listed.kind() == UserlistEntry.SecretKind.SCRAM ? "a SCRAM verifier" : "an empty password")
                    + "; Portcullis needs the clear-text backend password (QuestDB accepts nothing else): set it with "
                    + "PUT /api/v1/databases/" + name);
            return null;
        }
        return seal.apply(listed.secret(), binding);
    }

    private int integer(IniEntry e, String name, String key, String value, int min, int max, int fallback) {
        OptionalInt n = SettingValues.integer(value, min, max);
        if (n.isEmpty()) {
            findings.parameter(e, key, value, "database '" + name + "': must be " + SettingValues.range(min, max)
                    + " in Portcullis; " + fallback + " is used");
        }
        return n.orElse(fallback);
    }

    private DatabaseConfig skip(IniEntry e, ConnectionString cs, String reason) {
        findings.unmapped(e, e.key(), cs.redacted(), reason + "; the database is not imported");
        return null;
    }
}
